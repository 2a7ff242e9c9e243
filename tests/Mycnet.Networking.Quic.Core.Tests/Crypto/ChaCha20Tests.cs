using System.Security.Cryptography;
using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class ChaCha20Tests
{
    private static readonly byte[] Key00To1f = Hex.Parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    [Fact]
    public void Rfc8439_2_3_2_BlockFunctionVector()
    {
        var block = new byte[64];
        ChaCha20.Block(Key00To1f, 1, Hex.Parse("000000090000004a00000000"), block);
        Assert.Equal(
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
            + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
            Hex.Of(block));
    }

    [Fact]
    public void Rfc8439_A1_Vector1_ZeroKeyZeroNonceCounterZero()
    {
        var block = new byte[64];
        ChaCha20.Block(new byte[32], 0, new byte[12], block);
        Assert.Equal(
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
            + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
            Hex.Of(block));
    }

    [Fact]
    public void Rfc8439_2_4_2_EncryptionOverTwoBlocks()
    {
        byte[] plaintext = Encoding.ASCII.GetBytes(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        byte[] nonce = Hex.Parse("000000000000004a00000000");
        var ciphertext = new byte[plaintext.Length];
        var block = new byte[64];
        for (int offset = 0; offset < plaintext.Length; offset += 64)
        {
            ChaCha20.Block(Key00To1f, (uint)(1 + (offset / 64)), nonce, block);
            for (int i = offset; i < Math.Min(offset + 64, plaintext.Length); i++)
            {
                ciphertext[i] = (byte)(plaintext[i] ^ block[i - offset]);
            }
        }

        Assert.Equal(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
            + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
            + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
            + "5af90bbf74a35be6b40b8eedf2785e42874d",
            Hex.Of(ciphertext));
    }

    [Fact]
    public void BlockMatchesTheKeyStreamOfTheBclChaCha20Poly1305()
    {
        // The AEAD encrypts its payload with key stream blocks 1, 2, ... (RFC 8439 §2.8), so sealing
        // zeros exposes the key stream: an independent oracle for random keys and nonces.
        var random = new Random(9001);
        var key = new byte[32];
        var nonce = new byte[12];
        var zeros = new byte[128];
        var stream = new byte[128];
        var tag = new byte[16];
        var block = new byte[64];
        for (int trial = 0; trial < 32; trial++)
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            using var aead = new ChaCha20Poly1305(key);
            aead.Encrypt(nonce, zeros, stream, tag);
            for (int b = 0; b < 2; b++)
            {
                ChaCha20.Block(key, (uint)(b + 1), nonce, block);
                Assert.Equal(Hex.Of(stream.AsSpan(b * 64, 64)), Hex.Of(block));
            }
        }
    }

    [Fact]
    public void BlockRejectsWrongKeyNonceAndOutputLengths()
    {
        var block = new byte[64];
        Assert.Throws<ArgumentException>(() => ChaCha20.Block(new byte[31], 0, new byte[12], block));
        Assert.Throws<ArgumentException>(() => ChaCha20.Block(new byte[32], 0, new byte[11], block));
        Assert.Throws<ArgumentException>(() => ChaCha20.Block(new byte[32], 0, new byte[12], new byte[63]));
    }
}
