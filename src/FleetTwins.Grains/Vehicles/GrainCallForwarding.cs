namespace FleetTwins.Grains.Vehicles;

/// <summary>Makes the call a grain received on another grain of the same interface, and answers what that one answered.</summary>
internal static class GrainCallForwarding
{
    public static async Task<object?> ForwardAsync(IIncomingGrainCallContext context, IAddressable target)
    {
        var arguments = new object?[context.Request.GetArgumentCount()];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = context.Request.GetArgument(i);
        }

        var call = (Task)context.InterfaceMethod.Invoke(target, arguments)!;
        await call;
        return call.GetType().IsGenericType ? call.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(call) : null;
    }
}
