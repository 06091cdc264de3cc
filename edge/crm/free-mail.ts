/**
 * Free-mail domains: addresses anyone can open (gmail.com, outlook.com, gmx.de, …). Such a
 * domain says nothing about the brand behind an email, so sponsors are matched by the full
 * address there, and a sponsor's own `domain` may never be one.
 *
 * The list is the maintained `email-providers` package (its `all.json`: ~8,800 free and
 * disposable providers, released monthly, no install script), plus the provider families whose
 * every country domain is free mail (hotmail.*, yahoo.*, …), so a new country domain of one of
 * them is caught before the package lists it. (`free-email-domains` was considered: its
 * postinstall script downloads its list at install time, which fails offline and leaves the
 * list unpinned by the lockfile.)
 */
import freeMailProviders from "email-providers/all.json";

/** Built on first use: most requests never look at an email address. */
let listed: Set<string> | undefined;

/** `family.tld`, `family.co.tld`, `family.com.tld`: yahoo.co.jp, hotmail.com.br, gmx.at. */
const FAMILY =
  /^(?:hotmail|outlook|live|windowslive|msn|yahoo|ymail|rocketmail|gmx|yandex|aol|googlemail)\.(?:(?:co|com|net|org)\.)?[a-z]{2,3}$/;

/** The domain of an address, lower-cased: "Jo@Brand.COM" → "brand.com". */
export function emailDomain(email: string): string {
  return email
    .slice(email.lastIndexOf("@") + 1)
    .trim()
    .toLowerCase();
}

/** True when `domain` (or the domain of an address) belongs to a free-mail provider. */
export function isFreeMailDomain(domainOrEmail: string): boolean {
  const domain = emailDomain(domainOrEmail).replace(/\.$/, "");
  listed ??= new Set(freeMailProviders as string[]);
  return listed.has(domain) || FAMILY.test(domain);
}
