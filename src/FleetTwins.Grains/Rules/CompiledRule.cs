using System.Text.RegularExpressions;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Search.Filters;

namespace FleetTwins.Grains.Rules;

/// <summary>A rule that is not valid: the message names the field and the problem.</summary>
public sealed class RuleException(string message) : Exception(message);

/// <summary>A rule with its conditions parsed: what a twin evaluates.</summary>
public sealed partial record CompiledRule(Rule Rule, Filter When, Filter ClearWhen, Filter? AppliesTo, IReadOnlyList<Field<VehicleSummary>> Reads)
{
    /// <summary>The longest a rule's durations may be.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    /// <summary>Checks every part of <paramref name="rule"/> and parses its conditions; a <see cref="RuleException"/> names what is wrong.</summary>
    public static CompiledRule Compile(Rule rule, FilterContext? context = null)
    {
        if (!IdPattern().IsMatch(rule.Id))
        {
            throw new RuleException("id: 1-64 letters, digits, '-', '_' or '.'");
        }

        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 200)
        {
            throw new RuleException("name: required, at most 200 characters");
        }

        if (!AlertStatuses.Severities.Contains(rule.Severity))
        {
            throw new RuleException($"severity: one of {string.Join(", ", AlertStatuses.Severities)}");
        }

        CheckDuration("for", rule.For);
        CheckDuration("clearFor", rule.ClearFor);
        if (rule.NotifyEvery is { } every)
        {
            CheckDuration("notifyEvery", every);
        }

        context = (context ?? FilterContext.Default) with { AllowsChanged = true };
        var when = Parse("when", rule.When, context) ?? throw new RuleException("when: required");
        var clear = Parse("clearWhen", rule.ClearWhen, context) ?? new Not(when);
        var appliesTo = Parse("appliesTo", rule.AppliesTo, context);
        return new CompiledRule(rule, when, clear, appliesTo, [.. FieldsOf(when).OfType<Field<VehicleSummary>>().Distinct()]);
    }

    /// <summary>The geofences the rule's conditions ask <c>inside()</c> of.</summary>
    public IEnumerable<string> Geofences => new[] { When, ClearWhen, AppliesTo }.OfType<Filter>().SelectMany(InsideOf).Distinct();

    /// <summary>Whether the rule watches the vehicle <paramref name="vehicle"/> at <paramref name="now"/>.</summary>
    public bool Watches(VehicleSummary vehicle, DateTimeOffset now) =>
        Rule.Enabled && (AppliesTo is null || FilterEvaluator.Matches(AppliesTo, vehicle, now));

    private static Filter? Parse(string name, string? text, FilterContext context)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return FilterParser.Parse(text, context);
        }
        catch (FilterException e)
        {
            throw new RuleException($"{name}: {e.Message}");
        }
    }

    private static void CheckDuration(string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > MaxDuration)
        {
            throw new RuleException($"{name}: a duration from 0s to 30d");
        }
    }

    /// <summary>The fields a condition reads: the values an alert records when it is raised.</summary>
    private static IEnumerable<Field> FieldsOf(Filter filter) => filter switch
    {
        And and => FieldsOf(and.Left).Concat(FieldsOf(and.Right)),
        Or or => FieldsOf(or.Left).Concat(FieldsOf(or.Right)),
        Not not => FieldsOf(not.Inner),
        Comparison comparison => [comparison.Field],
        In list => [list.Field],
        Near => [Fields.Vehicles.Find("latitude")!, Fields.Vehicles.Find("longitude")!],
        Inside inside => [inside.Geofences],
        Has has => [has.List],
        Changed changed => [changed.Field],
        _ => [],
    };

    private static IEnumerable<string> InsideOf(Filter filter) => filter switch
    {
        And and => InsideOf(and.Left).Concat(InsideOf(and.Right)),
        Or or => InsideOf(or.Left).Concat(InsideOf(or.Right)),
        Not not => InsideOf(not.Inner),
        Inside inside => [inside.GeofenceId],
        _ => [],
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
