using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using FleetTwins.Abstractions.Vehicles;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FleetTwins.Host.Api;

/// <summary>
/// What the OpenAPI document says beyond what ASP.NET Core infers: optional fields optional, strings and numbers typed
/// as they are written, and the push endpoints' request schemas, signature headers and answers without the API-key scheme.
/// The query API's operations say what they answer themselves (their typed results and <see cref="Conventions.ApiConventions"/>).
/// </summary>
internal static class OpenApiContract
{
    /// <summary>Types a schema as it is written: strings (our strict string converter hides that), numbers (never strings), <c>extra</c>; and leaves nullable or conditionally written properties out of <c>required</c>.</summary>
    public static Task TransformSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var property = context.JsonPropertyInfo;
        if (property is { Name: "extra" } && property.PropertyType == typeof(string))
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalPropertiesAllowed = true;
            schema.Description ??= "What the provider sent with this reading that FleetTwins does not model; left out when there is none.";
            return Task.CompletedTask;
        }

        if (property is { Name: "values", CustomConverter: RawJsonConverter })
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalPropertiesAllowed = true;
            schema.Description ??= "What raised the alert: the fields its rule's condition read, or what the provider said (status, severity, muted, message, category).";
            return Task.CompletedTask;
        }

        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null && schema.Enum is not { Count: > 0 })
        {
            schema.Type = property is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Number) || type.HasFlag(JsonSchemaType.Integer)))
        {
            // Numbers are written as numbers; reading one from a string is a tolerance, not the contract.
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            var required = schema.Required ?? new HashSet<string>();
            foreach (var p in context.JsonTypeInfo.Properties)
            {
                // [Required] marks what a request must carry although its type lets the endpoint say so itself (a 400 naming it).
                if (p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
                {
                    required.Add(p.Name);
                }
                else if (IsOptional(p))
                {
                    required.Remove(p.Name);
                }
            }

            schema.Required = required.Count > 0 ? required : null;
        }

        return Task.CompletedTask;
    }

    /// <summary>A property that may be null or absent: nullable, or written only when set.</summary>
    private static bool IsOptional(JsonPropertyInfo property) =>
        property.IsGetNullable || property.IsSetNullable || property.ShouldSerialize is not null
        || Nullable.GetUnderlyingType(property.PropertyType) is not null;

    /// <summary>
    /// The descriptions an endpoint gives its answers (which scope a 403 lacks, what a stream carries), where the
    /// generator writes only the reason phrase; and a push endpoint's security, headers, body and answers, which its
    /// handler (reading the raw body) cannot declare.
    /// </summary>
    public static Task TransformOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var produced in context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (produced.Description is { } description
                && operation.Responses.TryGetValue(produced.StatusCode.ToString(CultureInfo.InvariantCulture), out var answer) && answer is OpenApiResponse response)
            {
                response.Description = description;
            }
        }

        var path = context.Description.RelativePath ?? "";
        if (path.StartsWith("webhooks/", StringComparison.Ordinal))
        {
            Webhook(operation, path, context.Document);
        }

        return Task.CompletedTask;
    }

    /// <summary>A push endpoint: signed, not keyed; its provider's body; every answer <c>{"status", "message"}</c>.</summary>
    private static void Webhook(OpenApiOperation operation, string path, OpenApiDocument? document)
    {
        operation.Security = []; // the provider's signature or token, never an API key
        var tracker = path.StartsWith("webhooks/tracker", StringComparison.Ordinal);
        operation.Parameters ??= [];
        if (tracker)
        {
            operation.Parameters.Add(Header("Authorization", "`Bearer <token>`, a token from Ingestion__Tracker__Tokens__N.", required: true));
        }

        foreach (var (name, description) in SignatureHeaders)
        {
            operation.Parameters.Add(Header(tracker ? $"webhook-{name}" : $"svix-{name}",
                tracker ? $"{description} Only when Ingestion__Tracker__Secrets__N are configured." : $"{description} (or the unbranded webhook-{name}).",
                required: !tracker));
        }

        var provider = tracker ? "TrackerEvent" : path.StartsWith("webhooks/volteras", StringComparison.Ordinal) ? "VolterasEvent" : "TelematicaEvent";
        if (document is not null)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas.TryAdd("WebhookAnswer", WebhookAnswer);
            document.Components.Schemas.TryAdd(provider, ProviderSchemas[provider]());
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One event as the provider sends it, at most Ingestion:MaxBodyBytes; fields FleetTwins does not model are kept on the reading as `extra`.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(provider, document) } },
        };
        foreach (var (status, description) in WebhookAnswers)
        {
            operation.Responses![status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference("WebhookAnswer", document) } },
            };
        }
    }

    private static OpenApiParameter Header(string name, string description, bool required) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static readonly (string Name, string Description)[] SignatureHeaders =
    [
        ("id", "The message id; a redelivery carries the same one."),
        ("timestamp", "Unix seconds, within 5 minutes of now."),
        ("signature", "`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one or more, space-separated."),
    ];

    private static readonly (string Status, string Description)[] WebhookAnswers =
    [
        ("200", "Applied and persisted, a duplicate, or an event type not handled (accepted and counted)."),
        ("400", "Malformed or invalid payload (a unit that cannot be converted, a timestamp more than Ingestion:MaxFutureSkew ahead, ...); the message says why."),
        ("401", "Missing or bad signature or token."),
        ("403", "The source address is not in the provider's allow-list."),
        ("408", "The body did not arrive within Ingestion:BodyTimeout; the connection is closed."),
        ("413", "Body larger than Ingestion:MaxBodyBytes."),
        ("429", "Too many requests for this credential; retry after the Retry-After seconds."),
        ("503", "Storage or cluster unavailable, or too many webhook bytes in flight (in all, for the provider or from the address); retry after the Retry-After seconds."),
        ("507", "Storage refuses writes (the data file read-only or damaged) until an operator acts; not applied."),
    ];

    private static readonly OpenApiSchema WebhookAnswer = new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "status", "message" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("success"), JsonValue.Create("error")] },
            ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was done, or what was wrong." },
        },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Open(string description, IEnumerable<string> required, Dictionary<string, IOpenApiSchema> properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = required.ToHashSet(),
        Properties = properties,
        AdditionalPropertiesAllowed = true,
    };

    private static readonly Dictionary<string, Func<OpenApiSchema>> ProviderSchemas = new()
    {
        ["TelematicaEvent"] = () => Open("A Telematica event, its type in `type` (vehicle.charging-status, vehicle.plug-status, vehicle.soc, vehicle.charging-command, "
            + "charger.charging-command, user.devices-connected, user.devices-disconnected; others are accepted and counted).", ["type"],
            new()
            {
                ["type"] = Text("The event type."),
                ["vehicleId"] = Text("Telematica's vehicle id (vehicle events)."),
                ["vehicleState"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true, Description = "batteryState, location, odo, staticAttributes." },
                ["currentState"] = Text("The charging or plug state (charging-status, plug-status)."),
                ["currentSoc"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Percent (vehicle.soc)." },
                ["targetSoc"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "Percent (vehicle.soc)." },
            }),
        ["VolterasEvent"] = () => Open("A Volteras event: device.telemetry (`metricType`, `vehicle {id, vin}`, `timestamp`, and the metric's `{unit, value}`), "
            + "command.updated, device.connected / device.disconnected, rate-limit events. Its type is the path's `{eventType}`, or inferred from the shape on /webhooks/volteras. "
            + "A unit that cannot be converted (a state of charge in `fraction`) is a 400.", [],
            new()
            {
                ["metricType"] = Text("STATE_OF_CHARGE, ENERGY_REMAINING, LOCATION, ODOMETER, RANGE, TIRES, OEM_ALERT, CHARGING_STATE, DEPARTURE_TIMES, OTHER_CHARGING_DATA, OTHER_LOCATION_DATA."),
                ["vehicle"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalPropertiesAllowed = true,
                    Properties = new Dictionary<string, IOpenApiSchema> { ["id"] = Text("Volteras' vehicle id."), ["vin"] = Text("The VIN, when known.") },
                },
                ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            }),
        ["TrackerEvent"] = () => Open("A GPS tracker push. Event types other than overspeed, fuel_fill, fuel_drain, geofence_enter, geofence_exit, tampering, "
            + "power_cut and sos are applied all the same (the location, and an alarm of that kind) and counted as unknown-type.",
            ["Event", "IMEI", "Device_Time", "Server_Time", "Coordinates"],
            new()
            {
                ["Event"] = Text("The event type, at most 64 characters."),
                ["IMEI"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{15}$" },
                ["Device_Time"] = Text("When it happened, e.g. 2024-06-28T17:52:13.000000+0000."),
                ["Server_Time"] = Text("When the platform received it."),
                ["Coordinates"] = Text("`latitude,longitude`."),
                ["Changes"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "The measured value (speed, fuel litres, ...)." },
                ["Geofence_Name"] = Text("Required for geofence_enter and geofence_exit."),
                ["Location"] = Text("An address."),
            }),
    };
}
