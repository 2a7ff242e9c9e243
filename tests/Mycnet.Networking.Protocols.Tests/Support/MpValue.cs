using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Mycnet.Networking.Protocols.MessagePack;

namespace Mycnet.Networking.Protocols.Tests.Support;

/// <summary>
/// A test-only MessagePack value tree: written with <see cref="MessagePackWriter"/>, read generically with
/// <see cref="MessagePackReader"/>, and described in the typed JSON form the node cross-check script uses.
/// </summary>
internal abstract record MpValue
{
    public abstract void Write(ref MessagePackWriter writer);

    /// <summary>The typed description: JSON numbers are avoided so 64-bit values and float bits stay exact.</summary>
    public abstract JsonNode Describe();

    /// <summary>The description as JavaScript sees the value: integral floats within ±2^53 become "int".</summary>
    public virtual JsonNode DescribeAsJavaScript() => Describe();

    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        Write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static MpValue Decode(ReadOnlySequence<byte> input, MessagePackReaderOptions? options = null)
    {
        var reader = new MessagePackReader(input, options);
        MpValue value = Read(ref reader);
        reader.EnsureEnd();
        return value;
    }

    public static MpValue Decode(byte[] input) => Decode(new ReadOnlySequence<byte>(input));

    public static MpValue Read(ref MessagePackReader reader)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return new MpNil();
            case MessagePackType.Boolean:
                return new MpBool(reader.ReadBoolean());
            case MessagePackType.Integer:
                byte code = reader.NextCode;
                return code == 0xcf ? new MpInt(reader.ReadUInt64()) : new MpInt(reader.ReadInt64());
            case MessagePackType.Float:
                bool single = reader.NextCode == 0xca;
                return new MpFloat(reader.ReadDouble(), single);
            case MessagePackType.String:
                return new MpStr(reader.ReadString());
            case MessagePackType.Binary:
                return new MpBin(reader.ReadBinary().ToArray());
            case MessagePackType.Array:
            {
                int count = reader.ReadArrayHeader();
                var items = new MpValue[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = Read(ref reader);
                }

                return new MpArr(items);
            }

            case MessagePackType.Map:
            {
                int count = reader.ReadMapHeader();
                var entries = new (MpValue, MpValue)[count];
                for (int i = 0; i < count; i++)
                {
                    MpValue key = Read(ref reader);
                    entries[i] = (key, Read(ref reader));
                }

                return new MpMap(entries);
            }

            case MessagePackType.Extension:
            {
                MessagePackReader probe = reader;
                probe.ReadExtension(out sbyte type);
                if (type == -1)
                {
                    return new MpTs(reader.ReadTimestamp());
                }

                ReadOnlySequence<byte> data = reader.ReadExtension(out type);
                return new MpExt(type, data.ToArray());
            }

            default:
                reader.Skip(); // 0xc1: the reader reports it as malformed
                throw new InvalidOperationException("unreachable: Skip accepted a reserved byte");
        }
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

internal sealed record MpNil : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.WriteNil();

    public override JsonNode Describe() => new JsonObject { ["t"] = "nil" };
}

internal sealed record MpBool(bool Value) : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.Write(Value);

    public override JsonNode Describe() => new JsonObject { ["t"] = "bool", ["v"] = Value };
}

internal sealed record MpInt(Int128 Value) : MpValue
{
    public override void Write(ref MessagePackWriter writer)
    {
        if (Value >= 0)
        {
            writer.Write((ulong)Value);
        }
        else
        {
            writer.Write((long)Value);
        }
    }

    public override JsonNode Describe() => new JsonObject { ["t"] = "int", ["v"] = Value.ToString(CultureInfo.InvariantCulture) };
}

internal sealed record MpFloat(double Value, bool Single) : MpValue
{
    public override void Write(ref MessagePackWriter writer)
    {
        if (Single)
        {
            writer.Write((float)Value);
        }
        else
        {
            writer.Write(Value);
        }
    }

    public override JsonNode Describe() => new JsonObject { ["t"] = "float", ["v"] = Bits(Value) };

    public override JsonNode DescribeAsJavaScript()
    {
        bool integral = double.IsFinite(Value) && Math.Floor(Value) == Value && Math.Abs(Value) <= 9007199254740992d
            && !(Value == 0 && double.IsNegative(Value));
        if (double.IsNaN(Value))
        {
            return new JsonObject { ["t"] = "float", ["v"] = "nan" }; // NaN payloads are not portable
        }

        return integral
            ? new JsonObject { ["t"] = "int", ["v"] = ((long)Value).ToString(CultureInfo.InvariantCulture) }
            : Describe();
    }

    public static string Bits(double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        return Hex(bytes);
    }

    public bool Equals(MpFloat? other) => other is not null && other.Single == Single && BitConverter.DoubleToInt64Bits(other.Value) == BitConverter.DoubleToInt64Bits(Value);

    public override int GetHashCode() => HashCode.Combine(BitConverter.DoubleToInt64Bits(Value), Single);
}

internal sealed record MpStr(string Value) : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.Write(Value);

    public override JsonNode Describe() => new JsonObject { ["t"] = "str", ["v"] = Value };
}

internal sealed record MpBin(byte[] Value) : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.WriteBinary(Value);

    public override JsonNode Describe() => new JsonObject { ["t"] = "bin", ["v"] = Hex(Value) };

    public bool Equals(MpBin? other) => other is not null && other.Value.AsSpan().SequenceEqual(Value);

    public override int GetHashCode() => Value.Length;
}

internal sealed record MpArr(MpValue[] Items) : MpValue
{
    public override void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Items.Length);
        foreach (MpValue item in Items)
        {
            item.Write(ref writer);
        }
    }

    public override JsonNode Describe() => new JsonObject { ["t"] = "arr", ["v"] = new JsonArray(Items.Select(i => i.Describe()).ToArray()) };

    public override JsonNode DescribeAsJavaScript() => new JsonObject { ["t"] = "arr", ["v"] = new JsonArray(Items.Select(i => i.DescribeAsJavaScript()).ToArray()) };

    public bool Equals(MpArr? other) => other is not null && other.Items.SequenceEqual(Items);

    public override int GetHashCode() => Items.Length;
}

internal sealed record MpMap((MpValue Key, MpValue Value)[] Entries) : MpValue
{
    public override void Write(ref MessagePackWriter writer)
    {
        writer.WriteMapHeader(Entries.Length);
        foreach ((MpValue key, MpValue value) in Entries)
        {
            key.Write(ref writer);
            value.Write(ref writer);
        }
    }

    public override JsonNode Describe() =>
        new JsonObject { ["t"] = "map", ["v"] = new JsonArray(Entries.Select(e => (JsonNode)new JsonArray(e.Key.Describe(), e.Value.Describe())).ToArray()) };

    public override JsonNode DescribeAsJavaScript() =>
        new JsonObject { ["t"] = "map", ["v"] = new JsonArray(Entries.Select(e => (JsonNode)new JsonArray(e.Key.DescribeAsJavaScript(), e.Value.DescribeAsJavaScript())).ToArray()) };

    public bool Equals(MpMap? other) => other is not null && other.Entries.SequenceEqual(Entries);

    public override int GetHashCode() => Entries.Length;
}

internal sealed record MpExt(sbyte Type, byte[] Data) : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.WriteExtension(Type, Data);

    public override JsonNode Describe() => new JsonObject { ["t"] = "ext", ["type"] = (int)Type, ["v"] = Hex(Data) };

    public bool Equals(MpExt? other) => other is not null && other.Type == Type && other.Data.AsSpan().SequenceEqual(Data);

    public override int GetHashCode() => HashCode.Combine(Type, Data.Length);
}

internal sealed record MpTs(MessagePackTimestamp Value) : MpValue
{
    public override void Write(ref MessagePackWriter writer) => writer.Write(Value);

    public override JsonNode Describe() =>
        new JsonObject { ["t"] = "ts", ["sec"] = Value.Seconds.ToString(CultureInfo.InvariantCulture), ["nsec"] = (long)Value.Nanoseconds };
}
