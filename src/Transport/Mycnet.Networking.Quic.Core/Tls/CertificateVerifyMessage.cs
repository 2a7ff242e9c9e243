using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>CertificateVerify (RFC 9846 §4.5.2): the scheme and the signature over the transcript.</summary>
internal sealed class CertificateVerifyMessage
{
    public required ushort Scheme { get; init; }

    public required byte[] Signature { get; init; }

    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(Signature.Length + 8);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.CertificateVerify);
        builder.WriteUInt16(Scheme);
        builder.WriteVector16(Signature);
        builder.EndVector(message);
        return builder.ToArray();
    }

    public static CertificateVerifyMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt16(out ushort scheme) || !reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> signature))
        {
            throw TlsAlertException.Decode("The CertificateVerify message is truncated.");
        }

        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The CertificateVerify message has trailing bytes.");
        }

        return new CertificateVerifyMessage { Scheme = scheme, Signature = signature.ToArray() };
    }
}
