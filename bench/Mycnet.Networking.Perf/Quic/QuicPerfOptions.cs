using System.CommandLine;
using System.Net;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>Where the server of a QUIC scenario runs.</summary>
internal enum ServerMode
{
    /// <summary>In this process, beside the client (the default).</summary>
    InProcess,

    /// <summary>In a child process: this tool started as <c>serve</c> (<c>--server-process</c>).</summary>
    ChildProcess,

    /// <summary>A <c>serve</c> started by hand, reached with <c>--connect</c>.</summary>
    External,
}

/// <summary>The options every QUIC scenario shares, parsed.</summary>
/// <param name="Engine">The QUIC engine of the client and of the server this tool starts.</param>
/// <param name="Warmup">Unmeasured iterations before measuring, or null for the scenario's default.</param>
/// <param name="Offload">UDP offload (GSO/GRO) for client and server sockets.</param>
/// <param name="QlogDirectory">Where both ends write qlog traces, or null for none.</param>
/// <param name="Mode">Where the server runs.</param>
/// <param name="Connect">The address of an external server (<see cref="ServerMode.External"/>).</param>
/// <param name="RootCertificatePath">The external server's root certificate (written by <c>serve --root-out</c>).</param>
internal sealed record QuicPerfSettings(
    QuicEngine Engine,
    int? Warmup,
    QuicUdpOffload Offload,
    string? QlogDirectory,
    ServerMode Mode,
    IPEndPoint? Connect,
    string? RootCertificatePath)
{
    public const string ManagedEngine = "managed";

    public const string MsQuicEngine = "msquic";

    public string EngineName => EngineNameOf(Engine);

    public string OffloadName => Offload == QuicUdpOffload.Disabled ? "disabled" : "auto";

    public string ModeName => Mode switch
    {
        ServerMode.ChildProcess => "child-process",
        ServerMode.External => "external",
        _ => "in-process",
    };

    public static string EngineNameOf(QuicEngine engine) => engine == QuicEngine.MsQuic ? MsQuicEngine : ManagedEngine;

    /// <summary>Whether the engine asked for cannot run on this host (then the scenario is unavailable here, not wrong).</summary>
    public bool EngineUnavailable => !QuicConnection.IsEngineSupported(Engine) || !QuicListener.IsEngineSupported(Engine);

    /// <summary>Why the settings cannot run, or null when they can.</summary>
    public string? Validate()
    {
        if (EngineUnavailable)
        {
            return "--engine msquic needs libmsquic: System.Net.Quic.QuicConnection.IsSupported is false on this host. Install libmsquic or use --engine managed.";
        }

        if (Engine == QuicEngine.MsQuic && QlogDirectory is not null)
        {
            return "--qlog needs the managed engine: msquic writes no qlog through System.Net.Quic.";
        }

        if (Engine == QuicEngine.MsQuic && Offload == QuicUdpOffload.Disabled)
        {
            return "--offload disabled applies to the managed engine's sockets; msquic batches on its own.";
        }

        if (Warmup is < 0 or > 1_000_000)
        {
            return "--warmup must be 0 to 1000000.";
        }

        if (Mode == ServerMode.External && RootCertificatePath is null)
        {
            return "--connect needs --root FILE: the root certificate the server wrote with serve --root-out FILE.";
        }

        return null;
    }
}

/// <summary>The command-line options every QUIC scenario shares (add them with <see cref="AddTo"/>).</summary>
internal sealed class QuicPerfOptions
{
    private readonly Option<string> _engine = new("--engine")
    {
        Description = "QUIC engine of client and server: managed (this SDK's) or msquic (System.Net.Quic; needs libmsquic).",
        DefaultValueFactory = _ => QuicPerfSettings.ManagedEngine,
    };

    private readonly Option<int?> _warmup = new("--warmup")
    {
        Description = "Unmeasured iterations first, so the JIT has compiled the hot paths (each scenario says what an iteration is).",
    };

    private readonly Option<string> _offload = new("--offload")
    {
        Description = "UDP offload: auto (GSO/GRO where the kernel has them) or disabled (one datagram per system call).",
        DefaultValueFactory = _ => "auto",
    };

    private readonly Option<string?> _qlog = new("--qlog")
    {
        Description = "Directory for qlog traces of both ends (one JSON-SEQ file per connection). Off by default: tracing costs time.",
    };

    private readonly Option<bool> _serverProcess = new("--server-process")
    {
        Description = "Run the server in a child process (this tool started as 'serve') instead of in this process.",
    };

    private readonly Option<string?> _connect = new("--connect")
    {
        Description = "Use a server started by hand with 'serve' at this address (IP:PORT) instead of starting one.",
    };

    private readonly Option<string?> _root = new("--root")
    {
        Description = "With --connect: the server's root certificate, as written by 'serve --root-out FILE'.",
    };

    public QuicPerfOptions()
    {
        _offload.AcceptOnlyFromAmong("auto", "disabled");
        _engine.AcceptOnlyFromAmong(QuicPerfSettings.ManagedEngine, QuicPerfSettings.MsQuicEngine);
    }

    public void AddTo(Command command)
    {
        command.Add(_engine);
        command.Add(_warmup);
        command.Add(_offload);
        command.Add(_qlog);
        command.Add(_serverProcess);
        command.Add(_connect);
        command.Add(_root);
    }

    /// <summary>Reads the shared options; an unparsable <c>--connect</c> is reported by <see cref="QuicPerfSettings.Validate"/>'s caller.</summary>
    public QuicPerfSettings Read(ParseResult parse)
    {
        string? connect = parse.GetValue(_connect);
        IPEndPoint? endPoint = null;
        if (connect is not null && !IPEndPoint.TryParse(connect, out endPoint))
        {
            throw new FormatException($"--connect '{connect}' is not an IP:PORT address.");
        }

        ServerMode mode = endPoint is not null ? ServerMode.External
            : parse.GetValue(_serverProcess) ? ServerMode.ChildProcess
            : ServerMode.InProcess;
        return new QuicPerfSettings(
            ParseEngine(parse.GetValue(_engine)),
            parse.GetValue(_warmup),
            string.Equals(parse.GetValue(_offload), "disabled", StringComparison.Ordinal) ? QuicUdpOffload.Disabled : QuicUdpOffload.Auto,
            parse.GetValue(_qlog),
            mode,
            endPoint,
            parse.GetValue(_root));
    }

    /// <summary>The engine named on the command line (its values are checked by the parser).</summary>
    public static QuicEngine ParseEngine(string? name) =>
        string.Equals(name, QuicPerfSettings.MsQuicEngine, StringComparison.Ordinal) ? QuicEngine.MsQuic : QuicEngine.Managed;
}
