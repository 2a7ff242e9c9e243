using System.Buffers;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The Retry Integrity Tag of QUIC v1 (RFC 9001 §5.8): AEAD_AES_128_GCM with a fixed key and
/// nonce over an empty plaintext, the associated data being the Retry pseudo-packet
/// (ODCID length, ODCID, then the Retry packet without its tag).
/// </summary>
/// <remarks>
/// The pseudo-packet is built on the stack for ordinary sizes and in a pooled buffer beyond that.
/// The fixed-key <see cref="AesGcm"/> is created once per thread and reused, so a server under a
/// flood of Initials that answers with Retry does not create a cipher per packet.
/// </remarks>
internal static class RetryIntegrity
{
    /// <summary>The tag length in bytes.</summary>
    public const int TagLength = 16;

    private const int StackLimit = 1536;

    [ThreadStatic]
    private static AesGcm? s_aead;

    // RFC 9001 §5.8: K = 0xbe0c690b9f66575a1d766b54e368c84e, N = 0x461599d35d632bf2239825bb.
    private static ReadOnlySpan<byte> KeyV1 =>
    [
        0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
    ];

    private static ReadOnlySpan<byte> NonceV1 =>
    [
        0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb,
    ];

    /// <summary>
    /// Computes the tag of a Retry packet sent in response to an Initial whose Destination
    /// Connection ID was <paramref name="originalDestinationConnectionId"/>.
    /// </summary>
    /// <param name="originalDestinationConnectionId">The ODCID (0 to 20 bytes).</param>
    /// <param name="retryPacketWithoutTag">The Retry packet from its first byte through the Retry Token.</param>
    /// <param name="tag">Receives the 16-byte tag.</param>
    public static void ComputeTag(ReadOnlySpan<byte> originalDestinationConnectionId, ReadOnlySpan<byte> retryPacketWithoutTag, Span<byte> tag)
    {
        if (originalDestinationConnectionId.Length > ConnectionId.MaxLength)
        {
            throw new ArgumentException("A QUIC v1 connection ID has at most 20 bytes.", nameof(originalDestinationConnectionId));
        }

        if (tag.Length < TagLength)
        {
            throw new ArgumentException("The Retry Integrity Tag has 16 bytes.", nameof(tag));
        }

        int length = 1 + originalDestinationConnectionId.Length + retryPacketWithoutTag.Length;
        byte[]? rented = null;
        Span<byte> pseudo = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            // RFC 9001 §5.8, Retry Pseudo-Packet.
            pseudo[0] = (byte)originalDestinationConnectionId.Length;
            originalDestinationConnectionId.CopyTo(pseudo[1..]);
            retryPacketWithoutTag.CopyTo(pseudo[(1 + originalDestinationConnectionId.Length)..]);
            s_aead ??= new AesGcm(KeyV1, TagLength);
            s_aead.Encrypt(NonceV1, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag[..TagLength], pseudo[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Verifies a received Retry packet (tag included) against the ODCID the client sent
    /// (RFC 9001 §5.8); false when the packet is shorter than a tag or the tag does not match.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> originalDestinationConnectionId, ReadOnlySpan<byte> retryPacket)
    {
        if (retryPacket.Length < TagLength || originalDestinationConnectionId.Length > ConnectionId.MaxLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagLength];
        ComputeTag(originalDestinationConnectionId, retryPacket[..^TagLength], expected);
        return CryptographicOperations.FixedTimeEquals(expected, retryPacket[^TagLength..]);
    }
}
