using System.Net;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Endpoints;

public sealed class AddressValidationTokenTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.1"), 4433);
    private static readonly ConnectionId Odcid = new([1, 2, 3, 4, 5, 6, 7, 8]);
    private static readonly ConnectionId Rscid = new([9, 9, 9, 9]);

    [Fact]
    public void RetryToken_ValidatesForTheSameClientAndCarriesTheIds()
    {
        using var tokens = new AddressValidationTokens(new SeededRandomSource(1));
        Instant now = Instant.FromTimeSpan(TimeSpan.FromSeconds(100));
        byte[] token = tokens.CreateRetryToken(now, Client, Odcid, Rscid);
        Assert.True(token.Length <= AddressValidationTokens.MaxTokenLength);
        TokenValidation result = tokens.Validate(now + TimeSpan.FromSeconds(1), Client, token);
        Assert.Equal(TokenVerdict.ValidRetry, result.Verdict);
        Assert.Equal(Odcid, result.OriginalDestination);
        Assert.Equal(Rscid, result.RetrySource);
    }

    [Fact]
    public void RetryToken_FromAnotherAddressOrPort_IsInvalid()
    {
        using var tokens = new AddressValidationTokens(new SeededRandomSource(1));
        byte[] token = tokens.CreateRetryToken(Instant.Zero, Client, Odcid, Rscid);
        Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, new IPEndPoint(IPAddress.Parse("192.0.2.2"), 4433), token).Verdict);
        Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, new IPEndPoint(Client.Address, 4434), token).Verdict);
    }

    [Fact]
    public void RetryToken_Expires()
    {
        using var tokens = new AddressValidationTokens(new SeededRandomSource(1)) { RetryTokenLifetime = TimeSpan.FromSeconds(5) };
        byte[] token = tokens.CreateRetryToken(Instant.Zero, Client, Odcid, Rscid);
        Assert.Equal(TokenVerdict.Expired, tokens.Validate(Instant.FromTimeSpan(TimeSpan.FromSeconds(6)), Client, token).Verdict);
    }

    [Fact]
    public void TamperedOrForeignTokens_AreInvalid()
    {
        using var tokens = new AddressValidationTokens(new SeededRandomSource(1));
        using var other = new AddressValidationTokens(new SeededRandomSource(2));
        byte[] token = tokens.CreateRetryToken(Instant.Zero, Client, Odcid, Rscid);
        for (int i = 0; i < token.Length; i++)
        {
            byte[] tampered = (byte[])token.Clone();
            tampered[i] ^= 0x40;
            Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, Client, tampered).Verdict);
        }

        Assert.Equal(TokenVerdict.Invalid, other.Validate(Instant.Zero, Client, token).Verdict);
        Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, Client, new byte[3]).Verdict);
        Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, Client, new byte[AddressValidationTokens.MaxTokenLength + 1]).Verdict);
    }

    [Fact]
    public void NewToken_IsBoundToTheAddressButNotThePort()
    {
        using var tokens = new AddressValidationTokens(new SeededRandomSource(1));
        byte[] token = tokens.CreateNewToken(Instant.Zero, Client);
        Assert.Equal(TokenVerdict.ValidNewToken, tokens.Validate(Instant.Zero, new IPEndPoint(Client.Address, 5555), token).Verdict);
        Assert.Equal(TokenVerdict.Invalid, tokens.Validate(Instant.Zero, new IPEndPoint(IPAddress.IPv6Loopback, 5555), token).Verdict);
    }
}
