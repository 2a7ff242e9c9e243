namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Matches interface names against patterns with <c>*</c> (any run) and <c>?</c> (one character).</summary>
internal static class GlobPattern
{
    public static bool IsValid(string? pattern) =>
        !string.IsNullOrEmpty(pattern) && pattern.Length <= 64 && !pattern.Any(char.IsWhiteSpace);

    public static bool IsMatch(string pattern, string name)
    {
        int p = 0;
        int n = 0;
        int starPattern = -1;
        int starName = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starPattern = p++;
                starName = n;
            }
            else if (starPattern >= 0)
            {
                p = starPattern + 1;
                n = ++starName;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
