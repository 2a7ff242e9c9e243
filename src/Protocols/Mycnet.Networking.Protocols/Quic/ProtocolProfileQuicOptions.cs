using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Protocols.Quic;

/// <summary>
/// Applies a <see cref="ProtocolProfile"/>'s transport settings to QUIC connection options, so a
/// connection between two nodes runs with the settings their pair profile prescribes.
/// </summary>
/// <remarks>
/// Transport settings are fixed at the handshake (they travel in QUIC transport parameters), so
/// they are applied before connecting: a client uses the profile for the node type it expects to
/// reach (<see cref="ProtocolProfiles.ForPair"/>), a listener the profile it serves. Negotiation on
/// the control stream then confirms the pair's profile, and the application-level settings
/// (chunking, compression, maximum message size) come from its result.
/// The SDK's QUIC options have one initial stream receive window for all stream types; the
/// profile's bidirectional remote window is used, as it governs the streams a peer opens.
/// </remarks>
public static class ProtocolProfileQuicOptions
{
    /// <summary>Sets the congestion controller, windows, stream limits, idle timeout, keep-alive, datagrams and cipher suites of <paramref name="options"/> from <paramref name="profile"/>.</summary>
    /// <returns>The same options, for chaining.</returns>
    public static TOptions ApplyProfile<TOptions>(this TOptions options, ProtocolProfile profile)
        where TOptions : QuicConnectionOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        TransportSettings transport = profile.Transport;
        options.CongestionControl = transport.CongestionControl == CongestionControlAlgorithm.NewReno
            ? QuicCongestionControlAlgorithm.NewReno
            : QuicCongestionControlAlgorithm.Cubic;
        options.InitialConnectionReceiveWindow = transport.InitialMaxData;
        options.MaxConnectionReceiveWindow = Math.Max(options.MaxConnectionReceiveWindow, transport.InitialMaxData);
        options.InitialStreamReceiveWindow = transport.InitialMaxStreamDataBidiRemote;
        options.MaxStreamReceiveWindow = Math.Max(options.MaxStreamReceiveWindow, transport.InitialMaxStreamDataBidiRemote);
        options.MaxInboundBidirectionalStreams = transport.MaxBidirectionalStreams;
        options.MaxInboundUnidirectionalStreams = transport.MaxUnidirectionalStreams;
        options.IdleTimeout = transport.IdleTimeout;
        options.KeepAliveInterval = transport.KeepAliveInterval > TimeSpan.Zero ? transport.KeepAliveInterval : Timeout.InfiniteTimeSpan;
        options.DatagramReceiveEnabled = transport.DatagramsEnabled;
        options.CipherSuites = [.. transport.CipherSuitePreference];
        return options;
    }
}
