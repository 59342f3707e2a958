namespace VaeWorkbench.Web.Scoring;

/// <summary>RFC 4180 fields for user-supplied text, safe to open in a spreadsheet.</summary>
public static class CsvText
{
    /// <summary>
    /// Text that a spreadsheet would run as a formula (leading =, +, -, @, tab or carriage return) gets a leading
    /// apostrophe (OWASP's advice); then a field holding a comma, quote or line break is quoted with quotes doubled.
    /// Only text columns go through here: numbers such as a negative score are written as they are.
    /// </summary>
    public static string Field(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
