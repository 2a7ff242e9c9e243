using System.Globalization;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// A point on a monotonic time line, in <see cref="TimeSpan"/> ticks (100 ns) from an origin the
/// caller chooses. The engine core never reads a clock: every input carries the current
/// <see cref="Instant"/>, so the same core runs on real time (a driver converts
/// <see cref="TimeProvider.GetTimestamp"/>) or on virtual time (the simulated network).
/// </summary>
public readonly struct Instant : IEquatable<Instant>, IComparable<Instant>
{
    /// <summary>The origin of the time line.</summary>
    public static readonly Instant Zero;

    /// <summary>A time later than any deadline: "never".</summary>
    public static readonly Instant MaxValue = new(long.MaxValue);

    private Instant(long ticks) => Ticks = ticks;

    /// <summary>Ticks (100 ns) since the origin.</summary>
    public long Ticks { get; }

    /// <summary>Whether this is <see cref="MaxValue"/>, i.e. no deadline.</summary>
    public bool IsNever => Ticks == long.MaxValue;

    /// <summary>Creates an instant from ticks since the origin.</summary>
    public static Instant FromTicks(long ticks) => new(ticks);

    /// <summary>Creates an instant from a duration since the origin.</summary>
    public static Instant FromTimeSpan(TimeSpan sinceOrigin) => new(sinceOrigin.Ticks);

    /// <summary>The duration since the origin.</summary>
    public TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Ticks);

    /// <summary>The earlier of two instants.</summary>
    public static Instant Min(Instant a, Instant b) => a.Ticks <= b.Ticks ? a : b;

    /// <summary>The later of two instants.</summary>
    public static Instant Max(Instant a, Instant b) => a.Ticks >= b.Ticks ? a : b;

    /// <summary>Adds a duration; saturates at <see cref="MaxValue"/>.</summary>
    public static Instant operator +(Instant a, TimeSpan d)
    {
        if (a.IsNever)
        {
            return MaxValue;
        }

        long t = a.Ticks + d.Ticks;
        if (d.Ticks > 0 && t < a.Ticks)
        {
            return MaxValue;
        }

        return new Instant(t);
    }

    /// <summary>Subtracts a duration.</summary>
    public static Instant operator -(Instant a, TimeSpan d) => a.IsNever ? MaxValue : new Instant(a.Ticks - d.Ticks);

    /// <summary>The duration from <paramref name="b"/> to <paramref name="a"/>.</summary>
    public static TimeSpan operator -(Instant a, Instant b) => TimeSpan.FromTicks(a.Ticks - b.Ticks);

    public static bool operator <(Instant a, Instant b) => a.Ticks < b.Ticks;

    public static bool operator >(Instant a, Instant b) => a.Ticks > b.Ticks;

    public static bool operator <=(Instant a, Instant b) => a.Ticks <= b.Ticks;

    public static bool operator >=(Instant a, Instant b) => a.Ticks >= b.Ticks;

    public static bool operator ==(Instant a, Instant b) => a.Ticks == b.Ticks;

    public static bool operator !=(Instant a, Instant b) => a.Ticks != b.Ticks;

    /// <inheritdoc/>
    public bool Equals(Instant other) => Ticks == other.Ticks;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Instant other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Ticks.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Instant other) => Ticks.CompareTo(other.Ticks);

    /// <inheritdoc/>
    public override string ToString() =>
        IsNever ? "never" : TimeSpan.FromTicks(Ticks).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
}
