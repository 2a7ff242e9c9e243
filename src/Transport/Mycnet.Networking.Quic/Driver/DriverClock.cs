using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// Maps a <see cref="System.TimeProvider"/> to the core's <see cref="Instant"/>: time elapsed since
/// the clock was made, from the provider's monotonic timestamp, so a fake provider in tests moves
/// the engine's time too.
/// </summary>
internal sealed class DriverClock
{
    private readonly long _origin;

    public DriverClock(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        _origin = timeProvider.GetTimestamp();
        IsSystem = ReferenceEquals(timeProvider, TimeProvider.System);
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Whether this is the real clock (then short waits may spin instead of arming a timer).</summary>
    public bool IsSystem { get; }

    /// <summary>The current instant.</summary>
    public Instant Now => Instant.FromTicks(TimeProvider.GetElapsedTime(_origin).Ticks);
}
