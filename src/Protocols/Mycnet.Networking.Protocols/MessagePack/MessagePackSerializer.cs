using System.Buffers;

namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>Entry points that run a formatter over a whole buffer.</summary>
public static class MessagePackSerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="output"/>.</summary>
    public static void Serialize<T>(IBufferWriter<byte> output, T value, IMessagePackFormatter<T> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var writer = new MessagePackWriter(output);
        formatter.Serialize(ref writer, value);
    }

    /// <summary>Writes <paramref name="value"/> to a new array.</summary>
    public static byte[] Serialize<T>(T value, IMessagePackFormatter<T> formatter)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(buffer, value, formatter);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads exactly one value from <paramref name="input"/>; bytes after it are <see cref="MessagePackError.Malformed"/>.</summary>
    /// <exception cref="MessagePackException">The input is truncated, malformed, over a limit, of the wrong shape, or has trailing bytes.</exception>
    public static T Deserialize<T>(in ReadOnlySequence<byte> input, IMessagePackFormatter<T> formatter, MessagePackReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var reader = new MessagePackReader(input, options);
        T value = formatter.Deserialize(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>Reads exactly one value from contiguous memory.</summary>
    /// <exception cref="MessagePackException">The input is truncated, malformed, over a limit, of the wrong shape, or has trailing bytes.</exception>
    public static T Deserialize<T>(ReadOnlyMemory<byte> input, IMessagePackFormatter<T> formatter, MessagePackReaderOptions? options = null) =>
        Deserialize(new ReadOnlySequence<byte>(input), formatter, options);
}
