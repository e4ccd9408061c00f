namespace FleetTwins.Outbound.Options;

/// <summary>
/// The <c>Commands:Dispatch</c> section, as the host reads it: where commands go. The RabbitMQ topic exchange
/// <see cref="Exchange"/> (whenever <c>ConnectionStrings:RabbitMQ</c> is set; empty turns it off) serves every provider;
/// each of <see cref="Webhooks"/> the providers it names. The twins' retry settings are <c>DispatchRetryOptions</c>.
/// </summary>
public sealed class CommandDispatchOptions
{
    public const string Section = "Commands:Dispatch";

    /// <summary>The durable topic exchange commands are published to, routing key <c>&lt;provider&gt;.&lt;COMMAND&gt;</c>.</summary>
    public string Exchange { get; set; } = "fleettwins.commands";

    public List<CommandWebhookOptions> Webhooks { get; set; } = [];
}
