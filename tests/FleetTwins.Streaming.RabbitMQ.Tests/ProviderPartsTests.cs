using System.Text;
using FleetTwins.Streaming.RabbitMQ.Streams;
using Orleans.Providers.Streams.Common;

namespace FleetTwins.Streaming.RabbitMQ.Tests;

public sealed class QueueMapperTests
{
    private static readonly string[] Queues = ["VehicleChange", "Trip (v2)", "SmokeDetection"];

    [Fact]
    public void Every_configured_queue_is_one_partition_named_after_it()
    {
        var mapper = new RabbitMQQueueMapper(Queues);

        var partitions = mapper.GetAllQueues().ToList();

        Assert.Equal(3, partitions.Distinct().Count());
        Assert.Equal(Queues, partitions.Select(mapper.QueueName));
    }

    [Fact]
    public void Partitions_are_the_same_in_every_silo_that_has_the_same_queue_list()
    {
        Assert.Equal(new RabbitMQQueueMapper(Queues).GetAllQueues(), new RabbitMQQueueMapper(Queues).GetAllQueues());
    }

    [Fact]
    public void A_stream_is_always_published_to_the_same_configured_queue()
    {
        var mapper = new RabbitMQQueueMapper(Queues);
        var stream = StreamId.Create("invers", "INV-1");

        var queue = mapper.GetQueueForStream(stream);

        Assert.Contains(queue, mapper.GetAllQueues());
        Assert.Equal(queue, new RabbitMQQueueMapper(Queues).GetQueueForStream(stream));
    }

    [Fact]
    public void An_empty_queue_list_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new RabbitMQQueueMapper([]));
    }
}

public sealed class MessageTests
{
    [Fact]
    public void String_headers_arrive_as_bytes_and_are_handed_over_as_text()
    {
        var headers = AmqpConnections.Headers(new Dictionary<string, object?>
        {
            ["schema_major_version"] = Encoding.UTF8.GetBytes("2"),
            ["count"] = 3,
            ["ratio"] = 1.5,
            ["missing"] = null,
        });

        Assert.Equal(new Dictionary<string, string> { ["schema_major_version"] = "2", ["count"] = "3", ["ratio"] = "1.5" }, headers);
    }

    [Fact]
    public void Properties_carry_a_message_on_unchanged_with_extra_headers()
    {
        var message = new RabbitMQMessage("q", [1], "id-1", "TripStarted", "flow-1", 1_580_390_525, new Dictionary<string, string> { ["a"] = "b" }, false);

        var properties = AmqpConnections.Properties(message, new Dictionary<string, object?> { ["x-parked-reason"] = "bad" });

        Assert.Equal(("id-1", "TripStarted", "flow-1", 1_580_390_525L), (properties.MessageId, properties.Type, properties.CorrelationId, properties.Timestamp.UnixTime));
        Assert.True(properties.Persistent);
        Assert.Equal("b", properties.Headers!["a"]);
        Assert.Equal("bad", properties.Headers["x-parked-reason"]);
    }

    [Fact]
    public void Batch_container_yields_its_message_to_subscribers_of_that_type_only()
    {
        var message = new RabbitMQMessage("q", [1, 2], "id", null, null, null, new Dictionary<string, string>(), true);
        var container = new RabbitMQBatchContainer(StreamId.Create("ns", "k"), message, new EventSequenceTokenV2(7));

        var events = container.GetEvents<RabbitMQMessage>().ToList();

        Assert.Same(message, Assert.Single(events).Item1);
        Assert.Equal(7, events[0].Item2.SequenceNumber);
        Assert.Empty(container.GetEvents<string>());
        Assert.False(container.ImportRequestContext());
    }
}
