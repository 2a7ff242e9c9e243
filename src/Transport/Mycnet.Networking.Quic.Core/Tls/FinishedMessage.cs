namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>Finished (RFC 9846 §4.5.3): verify_data of exactly the hash length.</summary>
internal sealed class FinishedMessage
{
    public required byte[] VerifyData { get; init; }

    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(VerifyData.Length + 4);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.Finished);
        builder.WriteBytes(VerifyData);
        builder.EndVector(message);
        return builder.ToArray();
    }

    public static FinishedMessage Parse(ReadOnlySpan<byte> body, int hashLength)
    {
        if (body.Length != hashLength)
        {
            throw TlsAlertException.Decode($"The Finished message holds {body.Length} bytes; {hashLength} were expected.");
        }

        return new FinishedMessage { VerifyData = body.ToArray() };
    }
}
