using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// An ephemeral ECDHE key for secp256r1 or secp384r1 (RFC 9846 §4.3.8.2 and §7.4.2). Public values
/// travel as uncompressed points (0x04 || X || Y); the shared secret is the X coordinate of the
/// product. A peer value that is not a valid point on the curve is an illegal_parameter.
/// </summary>
internal sealed class TlsKeyShare : IDisposable
{
    private readonly ECDiffieHellman _key;

    private TlsKeyShare(TlsNamedGroup group, ECDiffieHellman key, byte[] publicKey)
    {
        Group = group;
        _key = key;
        PublicKey = publicKey;
    }

    public TlsNamedGroup Group { get; }

    /// <summary>The uncompressed point to send in a KeyShareEntry.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Whether this engine implements <paramref name="group"/>.</summary>
    public static bool IsSupported(ushort group) => group is (ushort)TlsNamedGroup.Secp256r1 or (ushort)TlsNamedGroup.Secp384r1;

    /// <summary>The size of one coordinate.</summary>
    public static int CoordinateLength(TlsNamedGroup group) => group == TlsNamedGroup.Secp384r1 ? 48 : 32;

    /// <summary>The length of an uncompressed point.</summary>
    public static int PublicKeyLength(TlsNamedGroup group) => 1 + (2 * CoordinateLength(group));

    public static TlsKeyShare Generate(TlsNamedGroup group)
    {
        if (!IsSupported((ushort)group))
        {
            throw new ArgumentOutOfRangeException(nameof(group), group, "Only secp256r1 and secp384r1 are implemented.");
        }

        ECDiffieHellman key = ECDiffieHellman.Create(Curve(group));
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        int size = CoordinateLength(group);
        var point = new byte[1 + (2 * size)];
        point[0] = 0x04;
        parameters.Q.X!.CopyTo(point.AsSpan(1 + size - parameters.Q.X!.Length));
        parameters.Q.Y!.CopyTo(point.AsSpan(1 + (2 * size) - parameters.Q.Y!.Length));
        return new TlsKeyShare(group, key, point);
    }

    /// <summary>The (EC)DHE shared secret with the peer's public value.</summary>
    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        int size = CoordinateLength(Group);
        if (peerPublicKey.Length != 1 + (2 * size) || peerPublicKey[0] != 0x04)
        {
            throw TlsAlertException.Illegal(
                $"The peer's {Describe(Group)} key share is not an uncompressed point of {1 + (2 * size)} bytes.");
        }

        var parameters = new ECParameters
        {
            Curve = Curve(Group),
            Q = new ECPoint { X = peerPublicKey.Slice(1, size).ToArray(), Y = peerPublicKey.Slice(1 + size, size).ToArray() },
        };
        try
        {
            using ECDiffieHellman peer = ECDiffieHellman.Create(parameters);
            return _key.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException e)
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, $"The peer's {Describe(Group)} key share is not a valid point on the curve.", e);
        }
    }

    public void Dispose() => _key.Dispose();

    /// <summary>The IANA name of a group for messages.</summary>
    public static string Describe(TlsNamedGroup group) => group switch
    {
        TlsNamedGroup.Secp256r1 => "secp256r1",
        TlsNamedGroup.Secp384r1 => "secp384r1",
        TlsNamedGroup.Secp521r1 => "secp521r1",
        TlsNamedGroup.X25519 => "x25519",
        TlsNamedGroup.X448 => "x448",
        TlsNamedGroup.X25519MlKem768 => "X25519MLKEM768",
        _ => $"group 0x{(ushort)group:x4}",
    };

    private static ECCurve Curve(TlsNamedGroup group) =>
        group == TlsNamedGroup.Secp384r1 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256;
}
