/**
 * ISO 4217 minor units: how many decimal digits a currency's minor unit has (USD 2: cents; JPY 0;
 * KWD 3). From the ISO 4217 list's "Minor unit" column (maintained by SIX Financial Information
 * for ISO). Not read from `Intl`: CLDR's display digits differ from ISO for some currencies
 * (IQD, LBP, IRR, … show 0 decimals but have 2 or 3 minor digits), and money here is stored in
 * ISO minor units.
 */
const ZERO_DIGITS = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DIGITS = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
const FOUR_DIGITS = new Set(["CLF", "UYW"]);

/** Decimal digits of `currency`'s minor unit (2 for every currency not listed otherwise). */
export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DIGITS.has(code)) return 0;
  if (THREE_DIGITS.has(code)) return 3;
  if (FOUR_DIGITS.has(code)) return 4;
  return 2;
}

/** An amount in major units, exactly as far as a float allows: 250000 USD → 2500, 1500 IQD → 1.5. */
export function majorUnits(valueMinor: number, currency: string): number {
  return valueMinor / 10 ** minorUnitDigits(currency);
}
