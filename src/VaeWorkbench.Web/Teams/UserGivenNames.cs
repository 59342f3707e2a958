using System.Globalization;
using System.Text;

namespace VaeWorkbench.Web.Teams;

/// <summary>
/// The one rule for every name a user gives (teams, datasets, runs, models, tokens, tags): trimmed and NFC-normalised,
/// within its length, with no control characters, no bidirectional controls (which can make "gpj.exe" read as
/// "exe.jpg" in a list) and at least one visible character. Other users see these names, so none may hide or disguise text.
/// </summary>
public static class UserGivenNames
{
    /// <param name="subject">What is named, as the start of a sentence: "A dataset name", "A tag".</param>
    public static string Validate(string? value, string subject, int maxLength)
    {
        var name = (value ?? "").Normalize(NormalizationForm.FormC).Trim();
        if (name.Length == 0) throw new RequestRejectedException($"{subject} must not be empty.");
        if (name.Length > maxLength) throw new RequestRejectedException($"{subject} is at most {maxLength} characters.");
        var visible = false;
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
                throw new RequestRejectedException($"{subject} cannot contain control characters (such as line breaks, tabs or NUL).");
            if (IsBidiControl(rune.Value))
                throw new RequestRejectedException($"{subject} cannot contain right-to-left or left-to-right control characters.");
            visible |= IsVisible(rune);
        }
        if (!visible) throw new RequestRejectedException($"{subject} must contain a visible character.");
        return name;
    }

    // LRM, RLM, ALM, the embeddings and overrides (LRE..RLO) and the isolates (LRI..PDI).
    private static bool IsBidiControl(int c) => c is 0x200E or 0x200F or 0x061C or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    private static bool IsVisible(Rune rune)
    {
        // Letters that render as blanks: Hangul fillers, the Braille blank, the Mongolian vowel separator.
        if (rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or 0x180E) return false;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.EnclosingMark or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned => false,
            _ => true,
        };
    }
}
