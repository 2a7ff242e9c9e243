namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Key exchange groups (RFC 9846 §4.3.7). Only <see cref="Secp256r1"/> and <see cref="Secp384r1"/>
/// are implemented (BCL <c>ECDiffieHellman</c>); the others are named so that messages carrying them
/// can be described, and a server answers a share it cannot use with a HelloRetryRequest.
/// </summary>
internal enum TlsNamedGroup : ushort
{
    Secp256r1 = 0x0017,
    Secp384r1 = 0x0018,
    Secp521r1 = 0x0019,
    X25519 = 0x001D,
    X448 = 0x001E,
    X25519MlKem768 = 0x11EC,
}
