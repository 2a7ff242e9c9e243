using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>CRYPTO bytes one side emitted at one level, in emission order.</summary>
internal sealed record TlsFlight(bool FromClient, EncryptionLevel Level, byte[] Data, int Index);

/// <summary>
/// Plays the connection for a client and a server in memory: polls each side's outputs, records them,
/// and delivers every CryptoData output to the other side at its level, in order. A test can stop at a
/// flight (<see cref="RunUntil"/>), change it (<see cref="Transform"/>) or deliver its own bytes.
/// </summary>
internal sealed class TlsHandshakePair
{
    private readonly Queue<TlsFlight> _pending = new();
    private int _flightCount;

    public TlsHandshakePair(TlsClientOptions client, TlsServerOptions server)
    {
        Client = new TlsClientHandshake(client);
        Server = new TlsServerHandshake(server);
    }

    public TlsClientHandshake Client { get; }

    public TlsServerHandshake Server { get; }

    /// <summary>Every output of the client, in order.</summary>
    public List<TlsOutput> ClientOutputs { get; } = [];

    /// <summary>Every output of the server, in order.</summary>
    public List<TlsOutput> ServerOutputs { get; } = [];

    /// <summary>Every flight delivered (after <see cref="Transform"/>), in order.</summary>
    public List<TlsFlight> Delivered { get; } = [];

    /// <summary>Rewrites a flight's bytes before delivery.</summary>
    public Func<TlsFlight, byte[]>? Transform { get; set; }

    /// <summary>Delivers bytes this many at a time (0: whole flights).</summary>
    public int ChunkSize { get; set; }

    /// <summary>Starts both sides and exchanges flights until neither has anything to send.</summary>
    public TlsHandshakePair Run()
    {
        Start();
        Pump();
        return this;
    }

    public void Start()
    {
        Client.Start();
        Server.Start();
        Collect();
    }

    /// <summary>Delivers pending flights until none is left.</summary>
    public void Pump()
    {
        while (_pending.TryDequeue(out TlsFlight? flight))
        {
            Deliver(flight);
        }
    }

    /// <summary>Starts (if needed) and delivers flights until the next pending one matches; returns it undelivered.</summary>
    public TlsFlight RunUntil(Func<TlsFlight, bool> match)
    {
        if (Client.State == TlsClientState.Start)
        {
            Start();
        }

        while (_pending.TryPeek(out TlsFlight? flight))
        {
            if (match(flight))
            {
                return _pending.Dequeue();
            }

            Deliver(_pending.Dequeue());
        }

        throw new InvalidOperationException("No flight matched before the exchange ended.");
    }

    /// <summary>Delivers a flight to its receiver (after <see cref="Transform"/>) and collects the outputs.</summary>
    public void Deliver(TlsFlight flight)
    {
        byte[] data = Transform?.Invoke(flight) ?? flight.Data;
        Delivered.Add(flight with { Data = data });
        TlsHandshake receiver = flight.FromClient ? Server : Client;
        if (ChunkSize > 0)
        {
            for (int offset = 0; offset < data.Length; offset += ChunkSize)
            {
                receiver.HandleCryptoData(flight.Level, data.AsSpan(offset, Math.Min(ChunkSize, data.Length - offset)));
                Collect();
            }
        }
        else
        {
            receiver.HandleCryptoData(flight.Level, data);
            Collect();
        }
    }

    /// <summary>Delivers raw bytes to one side.</summary>
    public void Deliver(bool toServer, EncryptionLevel level, byte[] data) =>
        Deliver(new TlsFlight(FromClient: toServer, level, data, -1));

    /// <summary>The secret one side installed for reading or writing at a level, or null.</summary>
    public byte[]? Secret(bool client, TlsOutputKind kind, EncryptionLevel level)
    {
        foreach (TlsOutput output in client ? ClientOutputs : ServerOutputs)
        {
            if (output.Kind == kind && output.Level == level)
            {
                return output.Secret.ToArray();
            }
        }

        return null;
    }

    private void Collect()
    {
        while (Client.TryPollOutput(out TlsOutput output))
        {
            ClientOutputs.Add(output);
            if (output.Kind == TlsOutputKind.CryptoData)
            {
                _pending.Enqueue(new TlsFlight(FromClient: true, output.Level, output.Data.ToArray(), _flightCount++));
            }
        }

        while (Server.TryPollOutput(out TlsOutput output))
        {
            ServerOutputs.Add(output);
            if (output.Kind == TlsOutputKind.CryptoData)
            {
                _pending.Enqueue(new TlsFlight(FromClient: false, output.Level, output.Data.ToArray(), _flightCount++));
            }
        }
    }
}
