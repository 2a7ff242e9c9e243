using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>One CertificateEntry of X.509 type (RFC 9846 §4.5.1): DER bytes and per-entry extensions.</summary>
internal readonly record struct CertificateEntry(byte[] Data, IReadOnlyList<TlsExtension> Extensions);

/// <summary>
/// Certificate (RFC 9846 §4.5.1): a request context (empty during the handshake) and the chain, end
/// entity first. Bounded: at most <see cref="TlsLimits.MaxCertificateChainLength"/> entries.
/// </summary>
internal sealed class CertificateMessage
{
    public byte[] Context { get; init; } = [];

    public required IReadOnlyList<CertificateEntry> Entries { get; init; }

    public byte[] Encode()
    {
        int size = 16;
        foreach (CertificateEntry entry in Entries)
        {
            size += entry.Data.Length + 5;
        }

        var builder = new TlsMessageBuilder(size);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.Certificate);
        builder.WriteVector8(Context);
        TlsMessageBuilder.Mark list = builder.BeginVector(3);
        foreach (CertificateEntry entry in Entries)
        {
            builder.WriteVector24(entry.Data);
            TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
            TlsExtensionBlock.WriteRaw(builder, entry.Extensions);
            builder.EndVector(extensions);
        }

        builder.EndVector(list);
        builder.EndVector(message);
        return builder.ToArray();
    }

    public static CertificateMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> context) || !reader.TryReadUInt24LengthPrefixed(out ReadOnlySpan<byte> list))
        {
            throw TlsAlertException.Decode("The Certificate message is truncated.");
        }

        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The Certificate message has trailing bytes.");
        }

        var entries = new List<CertificateEntry>();
        var items = new WireReader(list);
        while (!items.IsEnd)
        {
            if (entries.Count == TlsLimits.MaxCertificateChainLength)
            {
                throw new TlsAlertException(TlsAlert.BadCertificate, $"The certificate chain has more than {TlsLimits.MaxCertificateChainLength} certificates.");
            }

            if (!items.TryReadUInt24LengthPrefixed(out ReadOnlySpan<byte> data) || data.IsEmpty)
            {
                throw TlsAlertException.Decode("A certificate entry is empty or truncated.");
            }

            List<TlsExtension> extensions = TlsExtensionBlock.Read(ref items, TlsExtensionMessages.Certificate, "Certificate entry");
            entries.Add(new CertificateEntry(data.ToArray(), extensions));
        }

        return new CertificateMessage { Context = context.ToArray(), Entries = entries };
    }
}
