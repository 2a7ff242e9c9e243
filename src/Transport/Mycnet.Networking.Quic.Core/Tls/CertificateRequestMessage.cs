using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// CertificateRequest (RFC 9846 §4.4.2): an empty context during the handshake, and extensions of
/// which signature_algorithms is required (missing_extension otherwise). Unknown extensions are ignored.
/// </summary>
internal sealed class CertificateRequestMessage
{
    public byte[] Context { get; init; } = [];

    public required IReadOnlyList<ushort> SignatureAlgorithms { get; init; }

    public IReadOnlyList<TlsExtension> OtherExtensions { get; init; } = [];

    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(64);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.CertificateRequest);
        builder.WriteVector8(Context);
        TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
        TlsExtensionBlock.WriteUInt16List(builder, TlsExtensionType.SignatureAlgorithms, SignatureAlgorithms);
        TlsExtensionBlock.WriteRaw(builder, OtherExtensions);
        builder.EndVector(extensions);
        builder.EndVector(message);
        return builder.ToArray();
    }

    public static CertificateRequestMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> context))
        {
            throw TlsAlertException.Decode("The CertificateRequest is truncated.");
        }

        List<TlsExtension> extensions = TlsExtensionBlock.Read(ref reader, TlsExtensionMessages.CertificateRequest, "CertificateRequest");
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The CertificateRequest has trailing bytes.");
        }

        List<ushort>? signatures = null;
        var others = new List<TlsExtension>();
        foreach (TlsExtension extension in extensions)
        {
            if (extension.Type == (ushort)TlsExtensionType.SignatureAlgorithms)
            {
                signatures = TlsExtensionBlock.ReadUInt16List(extension.Data, TlsExtensionType.SignatureAlgorithms);
            }
            else
            {
                others.Add(extension);
            }
        }

        return new CertificateRequestMessage
        {
            Context = context.ToArray(),
            SignatureAlgorithms = signatures
                ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The CertificateRequest has no signature_algorithms extension."),
            OtherExtensions = others,
        };
    }
}
