using System.Runtime.Versioning;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// Whether this host can run the msquic engine, and the exceptions that say what it cannot do.
/// </summary>
/// <remarks>
/// System.Net.Quic loads the native libmsquic on first use; its <c>IsSupported</c> properties are
/// false where the library is missing or unusable (too old, no TLS 1.3). The engine is then
/// unavailable: asking for it throws <see cref="PlatformNotSupportedException"/> naming libmsquic,
/// never a fallback to the managed engine.
/// </remarks>
internal static class MsQuicPlatform
{
    /// <summary>Whether outgoing msquic connections work here (System.Net.Quic's QuicConnection.IsSupported).</summary>
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    public static bool IsConnectionSupported => NetQuic.QuicConnection.IsSupported;

    /// <summary>Whether msquic listeners work here (System.Net.Quic's QuicListener.IsSupported).</summary>
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    public static bool IsListenerSupported => NetQuic.QuicListener.IsSupported;

    /// <summary>The exception for a connection asked of the msquic engine on a host without libmsquic.</summary>
    public static PlatformNotSupportedException ConnectionUnsupported() => new(
        "The MsQuic engine is not available: libmsquic was not found or cannot be used on this host " +
        "(System.Net.Quic.QuicConnection.IsSupported is false). Install libmsquic (version 2 or later) " +
        "or use QuicEngine.Managed, which needs nothing from the platform.");

    /// <summary>The exception for a listener asked of the msquic engine on a host without libmsquic.</summary>
    public static PlatformNotSupportedException ListenerUnsupported() => new(
        "The MsQuic engine is not available: libmsquic was not found or cannot be used on this host " +
        "(System.Net.Quic.QuicListener.IsSupported is false). Install libmsquic (version 2 or later) " +
        "or use QuicEngine.Managed, which needs nothing from the platform.");

    /// <summary>
    /// The exception for a call the msquic engine has no counterpart for; <paramref name="feature"/>
    /// names it ("Datagrams (RFC 9221)").
    /// </summary>
    public static NotSupportedException FeatureUnsupported(string feature) => new(
        $"{feature} are not available on the MsQuic engine: System.Net.Quic does not expose them. " +
        "The Managed engine (QuicEngine.Managed) supports them; QuicConnection.Capabilities tells what an engine offers.");
}
