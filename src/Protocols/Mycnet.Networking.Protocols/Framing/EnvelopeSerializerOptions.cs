using Mycnet.Networking.Protocols.Negotiation;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>Limits an <see cref="EnvelopeSerializer"/> enforces on envelopes it reads.</summary>
public sealed class EnvelopeSerializerOptions
{
    /// <summary>The defaults: 16 MiB payloads, 64 metadata entries of 256-byte keys and 4 KiB values, 4 KiB error messages.</summary>
    public static EnvelopeSerializerOptions Default { get; } = new();

    /// <summary>The largest payload, after decompression, in bytes.</summary>
    public int MaxPayloadLength { get; init; } = 16 << 20;

    /// <summary>The most metadata entries.</summary>
    public int MaxMetadataEntries { get; init; } = 64;

    /// <summary>The longest metadata key, in UTF-8 bytes.</summary>
    public int MaxMetadataKeyLength { get; init; } = 256;

    /// <summary>The longest metadata value, in UTF-8 bytes.</summary>
    public int MaxMetadataValueLength { get; init; } = 4096;

    /// <summary>The longest error message, in UTF-8 bytes.</summary>
    public int MaxErrorMessageLength { get; init; } = 4096;

    /// <summary>Options sized for a negotiated connection: payloads up to its maximum message size.</summary>
    public static EnvelopeSerializerOptions For(NegotiationResult negotiation)
    {
        ArgumentNullException.ThrowIfNull(negotiation);
        return new EnvelopeSerializerOptions { MaxPayloadLength = negotiation.MaxMessageSize };
    }

    /// <summary>Checks every limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        Guard.InRange(MaxPayloadLength, 0, int.MaxValue - 64, nameof(MaxPayloadLength));
        Guard.InRange(MaxMetadataEntries, 0, 65535, nameof(MaxMetadataEntries));
        Guard.InRange(MaxMetadataKeyLength, 1, 1 << 20, nameof(MaxMetadataKeyLength));
        Guard.InRange(MaxMetadataValueLength, 0, 1 << 20, nameof(MaxMetadataValueLength));
        Guard.InRange(MaxErrorMessageLength, 0, 1 << 20, nameof(MaxErrorMessageLength));
    }
}
