using System.Buffers.Binary;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Mutations of the TLS handshake messages inside CRYPTO data (RFC 9846 §4): message type and
/// length, body bytes, truncation; for ClientHello, ServerHello/HelloRetryRequest and
/// EncryptedExtensions the extension list (types, lengths, removal, duplication, bodies); and inside
/// quic_transport_parameters (RFC 9000 §18) the parameter IDs, lengths and values, including added
/// parameters that are invalid for the sender or out of range. "Consistent" edits fix every
/// enclosing length (extension, extension block, message) so the change reaches the semantic
/// checks rather than the first length check.
/// </summary>
internal static class TlsMutator
{
    private const int ClientHello = 1;
    private const int ServerHello = 2;
    private const int EncryptedExtensions = 8;
    private const int TransportParametersExtension = 0x39;

    private readonly record struct Extension(int TypeOffset, int Type, int BodyOffset, int BodyLength);

    private readonly record struct Parameter(int Offset, int IdSize, ulong Id, int LengthOffset, int LengthSize, int ValueOffset, int ValueLength)
    {
        public int End => ValueOffset + ValueLength;
    }

    /// <summary>Mutates the handshake message starting at one of <paramref name="starts"/> in <paramref name="data"/>; null when none starts there.</summary>
    public static (byte[] Data, string Operator, string Detail)? Mutate(Random random, byte[] data, List<int> starts)
    {
        starts = starts.FindAll(s => s >= 0 && s + 4 <= data.Length);
        if (starts.Count == 0)
        {
            return null;
        }

        int start = starts[random.Next(starts.Count)];
        int type = data[start];
        int length = ReadUInt24(data, start + 1);
        bool complete = start + 4 + length <= data.Length;
        int choice = random.Next(100);
        if (choice < 55 && complete && type is ClientHello or ServerHello or EncryptedExtensions && TryExtensions(data, start, out int blockOffset, out List<Extension> extensions) && extensions.Count > 0)
        {
            int tpIndex = extensions.FindIndex(e => e.Type == TransportParametersExtension);
            if (tpIndex >= 0 && random.Next(100) < 65)
            {
                return MutateTransportParameters(random, data, start, blockOffset, extensions[tpIndex], type);
            }

            return MutateExtension(random, data, start, blockOffset, extensions, type);
        }

        byte[] copy = (byte[])data.Clone();
        if (choice < 65)
        {
            byte newType = (byte)(random.Next(3) == 0 ? random.Next(256) : random.Next(1, 25));
            copy[start] = newType;
            return (copy, "auth.tls.message-type", Format($"message type {type} -> {newType}"));
        }

        if (choice < 80)
        {
            int newLength = random.Next(5) switch
            {
                0 => 0,
                1 => length + 1,
                2 => Math.Max(0, length - 1),
                3 => 0xffffff,
                _ => random.Next(0, 0x10000),
            };
            WriteUInt24(copy, start + 1, newLength);
            return (copy, "auth.tls.message-length", Format($"type {type} length {length} -> {newLength}"));
        }

        if (choice < 90 && data.Length > start + 4)
        {
            int cut = random.Next(start + 4, data.Length);
            return (data.AsSpan(0, cut).ToArray(), "auth.tls.truncate", Format($"type {type} cut at {cut - start} of {4 + length}"));
        }

        int end = complete ? start + 4 + length : data.Length;
        int flips = random.Next(1, 4);
        for (int i = 0; i < flips && end > start + 4; i++)
        {
            copy[random.Next(start + 4, end)] ^= (byte)(1 << random.Next(8));
        }

        return (copy, "auth.tls.body-bytes", Format($"type {type}, {flips} bit flips in the body"));
    }

    private static (byte[], string, string) MutateExtension(Random random, byte[] data, int start, int blockOffset, List<Extension> extensions, int messageType)
    {
        Extension extension = extensions[random.Next(extensions.Count)];
        byte[] copy = (byte[])data.Clone();
        switch (random.Next(7))
        {
            case 0:
                int newType = random.Next(6) switch
                {
                    0 => TransportParametersExtension,
                    1 => extensions[random.Next(extensions.Count)].Type,
                    2 => 0xffa5, // the draft transport parameters code point
                    3 => 0x2b, // supported_versions
                    4 => 0x33, // key_share
                    _ => random.Next(0x10000),
                };
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(extension.TypeOffset), (ushort)newType);
                return (copy, "auth.tls.extension-type", Format($"message {messageType}: extension 0x{extension.Type:x4} -> 0x{newType:x4}"));
            case 1:
                int newLength = random.Next(4) switch { 0 => 0, 1 => extension.BodyLength + 1, 2 => Math.Max(0, extension.BodyLength - 1), _ => 0xffff };
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(extension.TypeOffset + 2), (ushort)newLength);
                return (copy, "auth.tls.extension-length", Format($"message {messageType}: extension 0x{extension.Type:x4} length {extension.BodyLength} -> {newLength}"));
            case 2:
                return (Resize(data, start, blockOffset, -1, extension.TypeOffset, 4 + extension.BodyLength, []), "auth.tls.extension-remove", Format($"message {messageType}: extension 0x{extension.Type:x4} removed"));
            case 3:
                byte[] duplicate = data.AsSpan(extension.TypeOffset, 4 + extension.BodyLength).ToArray();
                return (Resize(data, start, blockOffset, -1, extension.TypeOffset, 0, duplicate), "auth.tls.extension-duplicate", Format($"message {messageType}: extension 0x{extension.Type:x4} twice"));
            case 4 when extension.BodyLength > 0:
                int cut = random.Next(extension.BodyLength);
                return (Resize(data, start, blockOffset, extension.TypeOffset, extension.BodyOffset + cut, extension.BodyLength - cut, []), "auth.tls.extension-truncate", Format($"message {messageType}: extension 0x{extension.Type:x4} body cut to {cut}"));
            case 5:
                ushort block = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(blockOffset));
                ushort newBlock = (ushort)(random.Next(2) == 0 ? block + 1 : Math.Max(0, block - random.Next(1, 5)));
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(blockOffset), newBlock);
                return (copy, "auth.tls.extension-block-length", Format($"message {messageType}: extensions length {block} -> {newBlock}"));
            default:
                for (int i = random.Next(1, 4); i > 0 && extension.BodyLength > 0; i--)
                {
                    copy[extension.BodyOffset + random.Next(extension.BodyLength)] ^= (byte)(1 << random.Next(8));
                }

                return (copy, "auth.tls.extension-bytes", Format($"message {messageType}: extension 0x{extension.Type:x4} body bit flips"));
        }
    }

    private static (byte[], string, string) MutateTransportParameters(Random random, byte[] data, int start, int blockOffset, Extension extension, int messageType)
    {
        List<Parameter> parameters = ParseParameters(data, extension);
        string who = messageType == ClientHello ? "client" : "server";
        string op = messageType == ClientHello ? "auth.tp.client-hello." : "auth.tp.encrypted-extensions.";
        int choice = random.Next(100);
        if (parameters.Count > 0 && choice < 30)
        {
            Parameter p = parameters[random.Next(parameters.Count)];
            ulong current = 0;
            if (p.ValueLength > 0)
            {
                VarInt.TryRead(data.AsSpan(p.ValueOffset, p.ValueLength), out current, out _);
            }

            ulong newValue = InterestingValue(random, current);
            byte[] encoded = VarIntBytes(newValue);
            byte[] entry = [.. data.AsSpan(p.Offset, p.IdSize), .. VarIntBytes((ulong)encoded.Length), .. encoded];
            return (Resize(data, start, blockOffset, extension.TypeOffset, p.Offset, p.End - p.Offset, entry), op + "value", Format($"{who} parameter 0x{p.Id:x} value -> {newValue}"));
        }

        if (parameters.Count > 0 && choice < 45)
        {
            Parameter p = parameters[random.Next(parameters.Count)];
            ulong newId = random.Next(5) switch
            {
                0 => parameters[random.Next(parameters.Count)].Id, // a duplicate
                1 => 27 + (31 * (ulong)random.Next(0, 1000)), // reserved: must be ignored
                2 => new ulong[] { 0x00, 0x02, 0x0d, 0x10 }[random.Next(4)], // server-only
                3 => (ulong)random.Next(0, 0x40),
                _ => InterestingValue(random, p.Id),
            };
            byte[] entry = [.. VarIntBytes(newId, random.Next(4) == 0 ? 8 : 0), .. data.AsSpan(p.LengthOffset, p.End - p.LengthOffset)];
            return (Resize(data, start, blockOffset, extension.TypeOffset, p.Offset, p.End - p.Offset, entry), op + "id", Format($"{who} parameter 0x{p.Id:x} -> id 0x{newId:x}"));
        }

        if (parameters.Count > 0 && choice < 55)
        {
            Parameter p = parameters[random.Next(parameters.Count)];
            ulong newLength = random.Next(4) switch { 0 => (ulong)p.ValueLength + 1, 1 => (ulong)Math.Max(0, p.ValueLength - 1), 2 => 0, _ => 0x3fff };
            byte[] encoded = VarIntBytes(newLength, p.LengthSize);
            byte[] copy = Splice(data, p.LengthOffset, p.LengthSize, encoded);
            copy = encoded.Length == p.LengthSize ? copy : Resize(data, start, blockOffset, extension.TypeOffset, p.LengthOffset, p.LengthSize, encoded);
            return (copy, op + "length", Format($"{who} parameter 0x{p.Id:x} length {p.ValueLength} -> {newLength}"));
        }

        if (parameters.Count > 0 && choice < 65)
        {
            Parameter p = parameters[random.Next(parameters.Count)];
            return (Resize(data, start, blockOffset, extension.TypeOffset, p.Offset, p.End - p.Offset, []), op + "remove", Format($"{who} parameter 0x{p.Id:x} removed"));
        }

        if (parameters.Count > 0 && choice < 72)
        {
            Parameter p = parameters[random.Next(parameters.Count)];
            byte[] copy = (byte[])data.Clone();
            for (int i = random.Next(1, 3); i > 0 && p.ValueLength > 0; i--)
            {
                copy[p.ValueOffset + random.Next(p.ValueLength)] ^= (byte)(1 << random.Next(8));
            }

            return (copy, op + "value-bytes", Format($"{who} parameter 0x{p.Id:x} value bit flips"));
        }

        (ulong id, byte[] crafted, string what) = CraftParameter(random);
        byte[] added = [.. VarIntBytes(id), .. VarIntBytes((ulong)crafted.Length), .. crafted];
        int at = extension.BodyOffset + (parameters.Count == 0 ? 0 : random.Next(2) == 0 ? 0 : extension.BodyLength);
        return (Resize(data, start, blockOffset, extension.TypeOffset, at, 0, added), op + "add", Format($"{who} adds {what}"));
    }

    private static (ulong Id, byte[] Value, string What) CraftParameter(Random random)
    {
        switch (random.Next(16))
        {
            case 0: return (0x00, RandomBytes(random, 8), "original_destination_connection_id");
            case 1: return (0x02, RandomBytes(random, random.Next(2) == 0 ? 15 : 16), "stateless_reset_token");
            case 2: return (0x03, VarIntBytes(random.Next(3) switch { 0 => 1199UL, 1 => 0UL, _ => 65528UL }), "max_udp_payload_size");
            case 3: return (0x0a, VarIntBytes((ulong)random.Next(20, 64)), "ack_delay_exponent");
            case 4: return (0x0b, VarIntBytes((1UL << 14) + (ulong)random.Next(0, 3)), "max_ack_delay");
            case 5: return (0x0c, random.Next(2) == 0 ? [] : [0x01], "disable_active_migration");
            case 6: return (0x0d, RandomBytes(random, random.Next(3) switch { 0 => 41, 1 => 60, _ => random.Next(0, 41) }), "preferred_address");
            case 7: return (0x0e, VarIntBytes((ulong)random.Next(0, 2)), "active_connection_id_limit below 2");
            case 8: return (0x0f, RandomBytes(random, random.Next(2) == 0 ? 21 : 8), "initial_source_connection_id");
            case 9: return (0x10, RandomBytes(random, 8), "retry_source_connection_id");
            case 10: return ((ulong)(0x08 + random.Next(2)), VarIntBytes((1UL << 60) + 1), "initial_max_streams above 2^60");
            case 11: return (0x20, VarIntBytes(random.Next(3) switch { 0 => 0UL, 1 => 1UL, _ => VarInt.MaxValue }), "max_datagram_frame_size");
            case 12: return (0x01, VarIntBytes(InterestingValue(random, 30_000)), "max_idle_timeout");
            case 13: return ((ulong)(0x04 + random.Next(4)), VarIntBytes(InterestingValue(random, 1 << 20)), "a flow-control limit");
            case 14: return (InterestingValue(random, 0x4000), RandomBytes(random, random.Next(0, 64)), "an unknown parameter");
            default: return (0x04, [0x40], "a truncated varint value");
        }
    }

    /// <summary>
    /// Replaces <paramref name="removeCount"/> bytes at <paramref name="at"/> with <paramref name="insert"/> and adds the
    /// size change to the enclosing extension length (when <paramref name="extensionTypeOffset"/> ≥ 0),
    /// the extension block length and the message length.
    /// </summary>
    private static byte[] Resize(byte[] data, int messageStart, int blockOffset, int extensionTypeOffset, int at, int removeCount, byte[] insert)
    {
        int delta = insert.Length - removeCount;
        byte[] result = Splice(data, at, removeCount, insert);
        if (extensionTypeOffset >= 0)
        {
            AddUInt16(result, extensionTypeOffset + 2, delta);
        }

        AddUInt16(result, blockOffset, delta);
        WriteUInt24(result, messageStart + 1, ReadUInt24(result, messageStart + 1) + delta);
        return result;
    }

    private static bool TryExtensions(byte[] data, int start, out int blockOffset, out List<Extension> extensions)
    {
        extensions = [];
        blockOffset = -1;
        int type = data[start];
        int end = start + 4 + ReadUInt24(data, start + 1);
        int p = start + 4;
        if (type is ClientHello or ServerHello)
        {
            p += 2 + 32; // legacy_version, random
            if (p >= end)
            {
                return false;
            }

            p += 1 + data[p]; // legacy_session_id
            if (type == ClientHello)
            {
                if (p + 2 > end)
                {
                    return false;
                }

                p += 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p)); // cipher_suites
                if (p >= end)
                {
                    return false;
                }

                p += 1 + data[p]; // legacy_compression_methods
            }
            else
            {
                p += 2 + 1; // cipher_suite, legacy_compression_method
            }
        }

        if (p + 2 > end)
        {
            return false;
        }

        blockOffset = p;
        int blockEnd = Math.Min(end, p + 2 + BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p)));
        p += 2;
        while (p + 4 <= blockEnd)
        {
            int extensionType = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p));
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p + 2));
            if (p + 4 + length > blockEnd)
            {
                break;
            }

            extensions.Add(new Extension(p, extensionType, p + 4, length));
            p += 4 + length;
        }

        return true;
    }

    private static List<Parameter> ParseParameters(byte[] data, Extension extension)
    {
        var parameters = new List<Parameter>();
        int p = extension.BodyOffset;
        int end = extension.BodyOffset + extension.BodyLength;
        while (p < end)
        {
            if (!VarInt.TryRead(data.AsSpan(p, end - p), out ulong id, out int idSize) ||
                !VarInt.TryRead(data.AsSpan(p + idSize, end - p - idSize), out ulong length, out int lengthSize) ||
                length > (ulong)(end - p - idSize - lengthSize))
            {
                break;
            }

            parameters.Add(new Parameter(p, idSize, id, p + idSize, lengthSize, p + idSize + lengthSize, (int)length));
            p += idSize + lengthSize + (int)length;
        }

        return parameters;
    }

    private static int ReadUInt24(byte[] data, int offset) => (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2];

    private static void WriteUInt24(byte[] data, int offset, int value)
    {
        value = Math.Clamp(value, 0, 0xffffff);
        data[offset] = (byte)(value >> 16);
        data[offset + 1] = (byte)(value >> 8);
        data[offset + 2] = (byte)value;
    }

    private static void AddUInt16(byte[] data, int offset, int delta)
    {
        int value = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset)) + delta;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset), (ushort)Math.Clamp(value, 0, 0xffff));
    }
}
