using System.Buffers.Binary;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// NewSessionTicket (RFC 9846 §4.7.1), sent by a server at the 1-RTT level after the handshake.
/// Parsed and validated so that resumption can be added later; today the client ignores tickets.
/// In QUIC an early_data extension must carry max_early_data_size 0xffffffff (RFC 9001 §4.6.1).
/// </summary>
internal sealed class NewSessionTicketMessage
{
    /// <summary>RFC 9846 §4.7.1: servers MUST NOT use a lifetime above 7 days.</summary>
    public const uint MaxLifetimeSeconds = 604_800;

    public required uint LifetimeSeconds { get; init; }

    public required uint AgeAdd { get; init; }

    public required byte[] Nonce { get; init; }

    public required byte[] Ticket { get; init; }

    /// <summary>max_early_data_size of the early_data extension, or null when absent.</summary>
    public uint? MaxEarlyDataSize { get; init; }

    public IReadOnlyList<TlsExtension> OtherExtensions { get; init; } = [];

    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(Ticket.Length + Nonce.Length + 32);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.NewSessionTicket);
        builder.WriteUInt32(LifetimeSeconds);
        builder.WriteUInt32(AgeAdd);
        builder.WriteVector8(Nonce);
        builder.WriteVector16(Ticket);
        TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
        if (MaxEarlyDataSize is uint maxEarlyData)
        {
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, maxEarlyData);
            builder.WriteExtension(TlsExtensionType.EarlyData, value);
        }

        TlsExtensionBlock.WriteRaw(builder, OtherExtensions);
        builder.EndVector(extensions);
        builder.EndVector(message);
        return builder.ToArray();
    }

    public static NewSessionTicketMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt32(out uint lifetime)
            || !reader.TryReadUInt32(out uint ageAdd)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> nonce)
            || !reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> ticket)
            || ticket.IsEmpty)
        {
            throw TlsAlertException.Decode("The NewSessionTicket message is truncated.");
        }

        List<TlsExtension> extensions = TlsExtensionBlock.Read(ref reader, TlsExtensionMessages.NewSessionTicket, "NewSessionTicket");
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The NewSessionTicket message has trailing bytes.");
        }

        if (lifetime > MaxLifetimeSeconds)
        {
            throw TlsAlertException.Illegal($"The NewSessionTicket lifetime {lifetime} s exceeds 7 days.");
        }

        uint? maxEarlyData = null;
        var others = new List<TlsExtension>();
        foreach (TlsExtension extension in extensions)
        {
            if (extension.Type != (ushort)TlsExtensionType.EarlyData)
            {
                others.Add(extension);
                continue;
            }

            var data = new WireReader(extension.Data);
            if (!data.TryReadUInt32(out uint value))
            {
                throw TlsAlertException.Decode("The NewSessionTicket early_data extension is malformed.");
            }

            TlsExtensionBlock.EnsureEnd(data, TlsExtensionType.EarlyData);
            if (value != uint.MaxValue)
            {
                // RFC 9001 §4.6.1: any other value is a PROTOCOL_VIOLATION; as a TLS alert, illegal_parameter.
                throw TlsAlertException.Illegal($"The NewSessionTicket max_early_data_size is 0x{value:x8}; QUIC requires 0xffffffff.");
            }

            maxEarlyData = value;
        }

        return new NewSessionTicketMessage
        {
            LifetimeSeconds = lifetime,
            AgeAdd = ageAdd,
            Nonce = nonce.ToArray(),
            Ticket = ticket.ToArray(),
            MaxEarlyDataSize = maxEarlyData,
            OtherExtensions = others,
        };
    }
}
