using System.Globalization;
using System.Text;

namespace VaeWorkbench.Web.Audit;

/// <summary>RFC 4180 CSV of audit entries. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.</summary>
public static class AuditCsv
{
    public static string Write(IEnumerable<AuditRecord> records)
    {
        var csv = new StringBuilder("at,user_email,user_id,action,object_type,object_id,details\r\n");
        foreach (var r in records)
        {
            string[] cells = [r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), r.UserEmail ?? "", r.UserId,
                r.Action, r.ObjectType, r.ObjectId, r.Details.GetRawText()];
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        return csv.ToString();
    }

    internal static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
