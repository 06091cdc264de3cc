import { describe, expect, it } from "vitest";
import { csvHeaders, toCsv } from "../lib/csv";

describe("toCsv", () => {
  it("neutralises cells a spreadsheet would run as formulas, but keeps numbers numbers", () => {
    const csv = toCsv(
      ["name", "value", "note"],
      [
        ['=HYPERLINK("http://evil.example")', -250, "+1 555"],
        ["@SUM(A1)", 1200.5, "-minus"],
        ["\tTabbed", 0, "\rreturn"],
        ["Plain, with comma", null, true],
      ],
    );
    expect(csv.split("\r\n")).toEqual([
      "name,value,note",
      '"\'=HYPERLINK(""http://evil.example"")",-250,\'+1 555',
      "'@SUM(A1),1200.5,'-minus",
      "'\tTabbed,0,\"'\rreturn\"",
      '"Plain, with comma",,true',
      "",
    ]);
  });

  it("names the download safely", () => {
    expect(csvHeaders('deals "2026".csv')).toMatchObject({
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="deals__2026_.csv"',
    });
  });
});
