using System.Net.Security;

namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>
/// The QUIC transport side of a profile, as plain data the connection options consume: congestion controller,
/// initial flow-control windows (RFC 9000 §18.2 transport parameters), stream limits, idle timeout, keep-alive,
/// datagrams (RFC 9221) and the TLS 1.3 cipher-suite preference (what the seed design calls the "encryption level").
/// </summary>
public sealed record TransportSettings
{
    private const long Gibibyte = 1L << 30;

    /// <summary>The congestion controller.</summary>
    public CongestionControlAlgorithm CongestionControl { get; init; } = CongestionControlAlgorithm.Cubic;

    /// <summary>initial_max_data: the connection-level flow-control window, in bytes.</summary>
    public long InitialMaxData { get; init; } = 8 << 20;

    /// <summary>initial_max_stream_data_bidi_local: the window for bidirectional streams this side opens.</summary>
    public long InitialMaxStreamDataBidiLocal { get; init; } = 2 << 20;

    /// <summary>initial_max_stream_data_bidi_remote: the window for bidirectional streams the peer opens.</summary>
    public long InitialMaxStreamDataBidiRemote { get; init; } = 2 << 20;

    /// <summary>initial_max_stream_data_uni: the window for unidirectional streams the peer opens.</summary>
    public long InitialMaxStreamDataUni { get; init; } = 1 << 20;

    /// <summary>initial_max_streams_bidi: how many bidirectional streams the peer may open.</summary>
    public int MaxBidirectionalStreams { get; init; } = 128;

    /// <summary>initial_max_streams_uni: how many unidirectional streams the peer may open.</summary>
    public int MaxUnidirectionalStreams { get; init; } = 32;

    /// <summary>max_idle_timeout: the connection closes after this long without traffic.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to send a PING when idle, to keep NAT bindings and the idle timer alive; <see cref="TimeSpan.Zero"/> for never.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to offer QUIC datagrams (max_datagram_frame_size, RFC 9221 §3).</summary>
    public bool DatagramsEnabled { get; init; }

    /// <summary>The TLS 1.3 cipher suites in order of preference (the seed's "encryption level"); QUIC v1 uses only these three (RFC 9001 §5.3).</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuitePreference { get; init; } =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    /// <summary>Value equality, including the cipher-suite list element by element.</summary>
    public bool Equals(TransportSettings? other) =>
        other is not null
        && CongestionControl == other.CongestionControl
        && InitialMaxData == other.InitialMaxData
        && InitialMaxStreamDataBidiLocal == other.InitialMaxStreamDataBidiLocal
        && InitialMaxStreamDataBidiRemote == other.InitialMaxStreamDataBidiRemote
        && InitialMaxStreamDataUni == other.InitialMaxStreamDataUni
        && MaxBidirectionalStreams == other.MaxBidirectionalStreams
        && MaxUnidirectionalStreams == other.MaxUnidirectionalStreams
        && IdleTimeout == other.IdleTimeout
        && KeepAliveInterval == other.KeepAliveInterval
        && DatagramsEnabled == other.DatagramsEnabled
        && (ReferenceEquals(CipherSuitePreference, other.CipherSuitePreference)
            || (CipherSuitePreference is not null && other.CipherSuitePreference is not null && CipherSuitePreference.SequenceEqual(other.CipherSuitePreference)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(CongestionControl, InitialMaxData, MaxBidirectionalStreams, IdleTimeout, DatagramsEnabled, CipherSuitePreference?.Count ?? 0);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Guard.Defined(CongestionControl, nameof(CongestionControl));
        Guard.InRange(InitialMaxData, 1, Gibibyte, nameof(InitialMaxData));
        Guard.InRange(InitialMaxStreamDataBidiLocal, 1, Gibibyte, nameof(InitialMaxStreamDataBidiLocal));
        Guard.InRange(InitialMaxStreamDataBidiRemote, 1, Gibibyte, nameof(InitialMaxStreamDataBidiRemote));
        Guard.InRange(InitialMaxStreamDataUni, 0, Gibibyte, nameof(InitialMaxStreamDataUni));
        Guard.InRange(MaxBidirectionalStreams, 1, 1 << 20, nameof(MaxBidirectionalStreams));
        Guard.InRange(MaxUnidirectionalStreams, 0, 1 << 20, nameof(MaxUnidirectionalStreams));
        Guard.InRange(IdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), nameof(IdleTimeout));
        Guard.InRange(KeepAliveInterval, TimeSpan.Zero, IdleTimeout, nameof(KeepAliveInterval));
        Guard.NotNull(CipherSuitePreference, nameof(CipherSuitePreference));
        Guard.Check(CipherSuitePreference.Count > 0, nameof(CipherSuitePreference), "At least one cipher suite is required.");
        for (int i = 0; i < CipherSuitePreference.Count; i++)
        {
            TlsCipherSuite suite = CipherSuitePreference[i];
            Guard.Check(
                suite is TlsCipherSuite.TLS_AES_128_GCM_SHA256 or TlsCipherSuite.TLS_AES_256_GCM_SHA384 or TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                nameof(CipherSuitePreference),
                $"{suite} is not a TLS 1.3 suite QUIC v1 can use (RFC 9001 §5.3).");
            for (int j = 0; j < i; j++)
            {
                Guard.Check(CipherSuitePreference[j] != suite, nameof(CipherSuitePreference), $"{suite} is listed twice.");
            }
        }
    }
}
