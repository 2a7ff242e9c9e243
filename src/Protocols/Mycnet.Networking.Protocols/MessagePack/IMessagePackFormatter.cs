namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>
/// Writes and reads one type as MessagePack, by hand: no reflection. The SDK's own message types have built-in
/// formatters; applications implement this for their payload types and use them with <see cref="MessagePackSerializer"/>.
/// </summary>
/// <typeparam name="T">The type formatted.</typeparam>
public interface IMessagePackFormatter<T>
{
    /// <summary>Writes <paramref name="value"/> as one MessagePack value.</summary>
    void Serialize(ref MessagePackWriter writer, T value);

    /// <summary>Reads one MessagePack value as a <typeparamref name="T"/>.</summary>
    /// <exception cref="MessagePackException">The input is truncated, malformed, over a limit or of the wrong shape.</exception>
    T Deserialize(ref MessagePackReader reader);
}
