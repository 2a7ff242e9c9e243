using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>
/// Feeds seeded random bytes and mutations of a valid encoding to the transport parameter decoder. The
/// only exception allowed is QuicProtocolException with TRANSPORT_PARAMETER_ERROR; results must be
/// deterministic, and whatever decodes must re-encode and decode to the same bytes.
/// </summary>
public sealed class TransportParametersFuzzTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomAndMutatedEncodings_FailOnlyWithTransportParameterError(bool sentByServer)
    {
        var mutator = new Mutator(sentByServer ? 18 : 81);
        byte[] valid = Valid(sentByServer);
        int accepted = 0;
        for (int i = 0; i < 10000; i++)
        {
            byte[] input = i % 4 == 0 ? mutator.RandomBytes(80) : mutator.Mutate(valid);
            string first = Outcome(input, sentByServer);
            Assert.Equal(first, Outcome(input, sentByServer));
            if (!first.StartsWith("error", StringComparison.Ordinal))
            {
                accepted++;
            }
        }

        // Not a vacuous run: some mutations (e.g. of integer values) still decode.
        Assert.InRange(accepted, 1, 9999);
    }

    private static string Outcome(byte[] input, bool sentByServer)
    {
        TransportParameters decoded;
        try
        {
            decoded = TransportParameters.Decode(input, sentByServer);
        }
        catch (QuicProtocolException e)
        {
            Assert.Equal(TransportErrorCode.TransportParameterError, e.ErrorCode);
            return "error: " + e.Message;
        }

        byte[] reencoded = decoded.Encode(sentByServer);
        byte[] again = TransportParameters.Decode(reencoded, sentByServer).Encode(sentByServer);
        Assert.Equal(reencoded, again);
        return Convert.ToHexString(reencoded);
    }

    private static byte[] Valid(bool sentByServer)
    {
        var p = new TransportParameters
        {
            MaxIdleTimeoutMilliseconds = 30000,
            InitialMaxData = 1 << 20,
            InitialMaxStreamDataBidiLocal = 1 << 18,
            InitialMaxStreamsBidi = 100,
            AckDelayExponent = 5,
            ActiveConnectionIdLimit = 4,
            InitialSourceConnectionId = new ConnectionId([1, 2, 3, 4]),
            MaxDatagramFrameSize = 1200,
        };
        if (sentByServer)
        {
            p.OriginalDestinationConnectionId = new ConnectionId([5, 6, 7, 8, 9, 10, 11, 12]);
            p.StatelessResetToken = new StatelessResetToken(new byte[16]);
        }

        p.AdditionalParameters.Add(new TransportParameter(0x3e, [1]));
        return p.Encode(sentByServer);
    }
}
