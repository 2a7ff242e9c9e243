using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>One received extension: its type and a copy of its data (RFC 9846 §4.3).</summary>
internal readonly record struct TlsExtension(ushort Type, byte[] Data);

/// <summary>
/// Parses the <c>Extension extensions&lt;..2^16-1&gt;</c> block of a handshake message and the small
/// structures that several messages share. Enforces the rules common to every block: no truncation,
/// no duplicate type (RFC 9846 §4.3: illegal_parameter), and no recognized extension in a message
/// where RFC 9846 §4.3's table does not allow it (illegal_parameter). Every failure is a
/// <see cref="TlsAlertException"/>.
/// </summary>
internal static class TlsExtensionBlock
{
    /// <summary>Reads an extension block from <paramref name="reader"/> for the message <paramref name="message"/>.</summary>
    public static List<TlsExtension> Read(ref WireReader reader, TlsExtensionMessages message, string messageName)
    {
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> block))
        {
            throw TlsAlertException.Decode($"The {messageName} extension block is truncated.");
        }

        var extensions = new List<TlsExtension>();
        var seen = new HashSet<ushort>();
        var inner = new WireReader(block);
        while (!inner.IsEnd)
        {
            if (!inner.TryReadUInt16(out ushort type) || !inner.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> data))
            {
                throw TlsAlertException.Decode($"An extension in the {messageName} is truncated.");
            }

            if (!seen.Add(type))
            {
                throw TlsAlertException.Illegal($"The {messageName} carries {TlsExtensionRules.Describe(type)} twice.");
            }

            TlsExtensionMessages allowed = TlsExtensionRules.AllowedIn(type);
            if (allowed != TlsExtensionMessages.None && (allowed & message) == 0)
            {
                throw TlsAlertException.Illegal($"The {messageName} carries {TlsExtensionRules.Describe(type)}, which is not allowed in that message.");
            }

            extensions.Add(new TlsExtension(type, data.ToArray()));
        }

        return extensions;
    }

    /// <summary>Throws decode_error unless the reader consumed all of an extension's data (RFC 9846 §4.3).</summary>
    public static void EnsureEnd(in WireReader reader, TlsExtensionType type)
    {
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode($"The {type} extension has trailing bytes.");
        }
    }

    /// <summary>Parses a list of 16-bit values with a 2-byte length (supported_groups, signature_algorithms).</summary>
    public static List<ushort> ReadUInt16List(ReadOnlySpan<byte> data, TlsExtensionType type)
    {
        var reader = new WireReader(data);
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> list) || list.IsEmpty || list.Length % 2 != 0)
        {
            throw TlsAlertException.Decode($"The {type} extension is malformed.");
        }

        EnsureEnd(reader, type);
        var values = new List<ushort>(list.Length / 2);
        var items = new WireReader(list);
        while (items.TryReadUInt16(out ushort value))
        {
            values.Add(value);
        }

        return values;
    }

    /// <summary>Writes a list of 16-bit values with a 2-byte length.</summary>
    public static void WriteUInt16List(TlsMessageBuilder builder, TlsExtensionType type, IReadOnlyList<ushort> values)
    {
        TlsMessageBuilder.Mark extension = builder.BeginExtension(type);
        TlsMessageBuilder.Mark list = builder.BeginVector(2);
        foreach (ushort value in values)
        {
            builder.WriteUInt16(value);
        }

        builder.EndVector(list);
        builder.EndVector(extension);
    }

    /// <summary>Parses the ALPN ProtocolNameList (RFC 7301 §3.1): names of 1..255 bytes, at least one.</summary>
    public static List<byte[]> ReadProtocolNames(ReadOnlySpan<byte> data)
    {
        var reader = new WireReader(data);
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> list) || list.IsEmpty)
        {
            throw TlsAlertException.Decode("The application_layer_protocol_negotiation extension is malformed.");
        }

        EnsureEnd(reader, TlsExtensionType.ApplicationLayerProtocolNegotiation);
        var names = new List<byte[]>();
        var items = new WireReader(list);
        while (!items.IsEnd)
        {
            if (!items.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> name) || name.IsEmpty)
            {
                throw TlsAlertException.Decode("An application protocol name is empty or truncated.");
            }

            names.Add(name.ToArray());
        }

        return names;
    }

    /// <summary>Writes the ALPN extension with the given protocol names.</summary>
    public static void WriteProtocolNames(TlsMessageBuilder builder, IReadOnlyList<byte[]> names)
    {
        TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.ApplicationLayerProtocolNegotiation);
        TlsMessageBuilder.Mark list = builder.BeginVector(2);
        foreach (byte[] name in names)
        {
            builder.WriteVector8(name);
        }

        builder.EndVector(list);
        builder.EndVector(extension);
    }

    /// <summary>Writes extensions that a test or a future feature adds verbatim.</summary>
    public static void WriteRaw(TlsMessageBuilder builder, IReadOnlyList<TlsExtension> extensions)
    {
        foreach (TlsExtension extension in extensions)
        {
            builder.WriteUInt16(extension.Type);
            builder.WriteVector16(extension.Data);
        }
    }
}
