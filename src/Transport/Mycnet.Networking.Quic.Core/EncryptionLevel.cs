namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Encryption levels (RFC 9001 §2.1 and §4). CRYPTO data travels at Initial, Handshake and 1-RTT;
/// 0-RTT carries application data only.
/// </summary>
internal enum EncryptionLevel
{
    Initial = 0,
    ZeroRtt = 1,
    Handshake = 2,
    OneRtt = 3,
}

/// <summary>Packet number spaces (RFC 9000 §12.3). 0-RTT and 1-RTT share the application data space.</summary>
internal enum PacketNumberSpace
{
    Initial = 0,
    Handshake = 1,
    ApplicationData = 2,
}

/// <summary>Conversions between levels and spaces.</summary>
internal static class EncryptionLevelExtensions
{
    /// <summary>The number of packet number spaces.</summary>
    public const int SpaceCount = 3;

    public static PacketNumberSpace ToSpace(this EncryptionLevel level) => level switch
    {
        EncryptionLevel.Initial => PacketNumberSpace.Initial,
        EncryptionLevel.Handshake => PacketNumberSpace.Handshake,
        _ => PacketNumberSpace.ApplicationData,
    };
}
