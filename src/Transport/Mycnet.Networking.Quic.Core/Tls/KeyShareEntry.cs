using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>A KeyShareEntry (RFC 9846 §4.3.8): a group and the sender's public value.</summary>
internal readonly record struct KeyShareEntry(ushort Group, byte[] KeyExchange)
{
    /// <summary>Reads <c>NamedGroup group; opaque key_exchange&lt;1..2^16-1&gt;</c>.</summary>
    public static bool TryRead(ref WireReader reader, out KeyShareEntry entry)
    {
        if (!reader.TryReadUInt16(out ushort group) || !reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> key) || key.IsEmpty)
        {
            entry = default;
            return false;
        }

        entry = new KeyShareEntry(group, key.ToArray());
        return true;
    }

    public void WriteTo(TlsMessageBuilder builder)
    {
        builder.WriteUInt16(Group);
        builder.WriteVector16(KeyExchange);
    }
}
