namespace Mycnet.Networking.Protocols;

/// <summary>Checks for options and settings, which name the offending property in the exception.</summary>
internal static class Guard
{
    public static void InRange(long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }

    public static void InRange(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }

    public static void Defined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} has no value {value}.");
        }
    }

    public static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{name} is required.");
        }
    }

    public static void Check(bool condition, string name, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, name);
        }
    }
}
