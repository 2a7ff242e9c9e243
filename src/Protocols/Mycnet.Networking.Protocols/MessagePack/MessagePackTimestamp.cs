namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>
/// A value of the MessagePack timestamp extension (type −1): seconds since the Unix epoch (1970-01-01T00:00:00Z,
/// signed, 64-bit) plus nanoseconds (0–999,999,999). It covers the 32-, 64- and 96-bit forms of the
/// specification; the writer picks the smallest form that holds the value.
/// </summary>
public readonly struct MessagePackTimestamp : IEquatable<MessagePackTimestamp>, IComparable<MessagePackTimestamp>
{
    /// <summary>The largest nanoseconds value.</summary>
    public const uint MaxNanoseconds = 999_999_999;

    private const long NanosecondsPerTick = 100;

    /// <summary>Creates a timestamp.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nanoseconds"/> is over 999,999,999.</exception>
    public MessagePackTimestamp(long seconds, uint nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nanoseconds, MaxNanoseconds);
        Seconds = seconds;
        Nanoseconds = nanoseconds;
    }

    /// <summary>Seconds since the Unix epoch; negative before it.</summary>
    public long Seconds { get; }

    /// <summary>Nanoseconds within the second, 0–999,999,999 (always added, also before the epoch).</summary>
    public uint Nanoseconds { get; }

    /// <summary>Converts a <see cref="DateTimeOffset"/> (100 ns resolution) to a timestamp.</summary>
    public static MessagePackTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return new MessagePackTimestamp(seconds, (uint)(remainder * NanosecondsPerTick));
    }

    /// <summary>Converts to a <see cref="DateTimeOffset"/> in UTC, truncating to 100 ns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is outside the range of <see cref="DateTimeOffset"/>.</exception>
    public DateTimeOffset ToDateTimeOffset()
    {
        const long minSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long maxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (Seconds is < minSeconds or > maxSeconds)
        {
            throw new ArgumentOutOfRangeException(null, Seconds, "The timestamp is outside the range of DateTimeOffset.");
        }

        long ticks = DateTimeOffset.UnixEpoch.UtcTicks + (Seconds * TimeSpan.TicksPerSecond) + (Nanoseconds / NanosecondsPerTick);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <inheritdoc />
    public bool Equals(MessagePackTimestamp other) => Seconds == other.Seconds && Nanoseconds == other.Nanoseconds;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MessagePackTimestamp other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Seconds, Nanoseconds);

    /// <inheritdoc />
    public int CompareTo(MessagePackTimestamp other)
    {
        int c = Seconds.CompareTo(other.Seconds);
        return c != 0 ? c : Nanoseconds.CompareTo(other.Nanoseconds);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Seconds}.{Nanoseconds:D9}s");

    /// <summary>Equality.</summary>
    public static bool operator ==(MessagePackTimestamp left, MessagePackTimestamp right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MessagePackTimestamp left, MessagePackTimestamp right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(MessagePackTimestamp left, MessagePackTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(MessagePackTimestamp left, MessagePackTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(MessagePackTimestamp left, MessagePackTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(MessagePackTimestamp left, MessagePackTimestamp right) => left.CompareTo(right) >= 0;
}
