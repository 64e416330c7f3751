using Agents.Contracts;
using Agents.Testing;
using Agents.Writer.Sagas;
using MassTransit;
using MassTransit.Events;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// Every transition of the write saga in MassTransit's in-memory harness (<see cref="InMemorySaga"/>), in
/// milliseconds, on a clock the test moves. The races, row locks and the bulk guard's batches stay on real
/// PostgreSQL (RaceTests, ApplyOnceTests, BulkGuardTests); the API's answers on the real writer (SagaRulesTests).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Children)]
public class SagaTransitionTests
{
    private static readonly DateTimeOffset Version = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<InMemorySaga> StartAsync(string policy = Policies.Example) => await InMemorySaga.StartAsync(policy);

    /// <summary>A proposal that takes the saga's own "now" (the test's clock), from ticket version <see cref="Version"/>.</summary>
    private static ProposeWrite Priority(string ticket, string priority = "high", int minutesLater = 0) =>
        Proposals.SetPriority(ticket, priority) with { ProposedAt = default, TicketUpdatedAt = Version.AddMinutes(minutesLater) };

    private static async Task Propose(InMemorySaga saga, ProposeWrite proposal) => Assert.That(await saga.SendAsync(proposal), Is.Null);

    private static ApproveWrite Approval(InMemorySaga saga, Guid id) =>
        new() { CorrelationId = id, Approver = "alice", ContentHash = saga.Write(id).ContentHash, Reason = "right" };

    private static WriteApplied Applied(InMemorySaga saga, Guid id) => new()
    {
        CorrelationId = id, Attempt = saga.Write(id).ApplyAttempt, IdempotencyKey = saga.Write(id).IdempotencyKey, Adapter = "journal",
        AppliedAt = saga.Clock.GetUtcNow(),
    };

    private static WriteFailed Failure(InMemorySaga saga, Guid id, bool permanent) => new()
    {
        CorrelationId = id, Attempt = saga.Write(id).ApplyAttempt, IdempotencyKey = saga.Write(id).IdempotencyKey, Reason = "CRM said no",
        Permanent = permanent, FailedAt = saga.Clock.GetUtcNow(),
    };

    [Test]
    public async Task A_proposal_is_held_with_its_approval_clock_started_on_the_test_clock()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-held");
        await Propose(saga, p);
        var write = saga.Write(p.CorrelationId);
        Assert.Multiple(async () =>
        {
            Assert.That(write.CurrentState, Is.EqualTo(WriteStates.AwaitingApproval));
            Assert.That(write.ProposedAt, Is.EqualTo(saga.Clock.GetUtcNow()));
            Assert.That(write.ExpiresAt, Is.EqualTo(saga.Clock.GetUtcNow() + new WriterOptions().ApprovalTimeout));
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed" }));
            Assert.That(saga.ApplyWrites(p.CorrelationId), Is.Empty);
        });
    }

    [Test]
    public async Task Policy_auto_approves_above_its_confidence_and_the_write_is_applied_once()
    {
        await using var saga = await StartAsync();
        var p = Proposals.AddTags("T-auto", "billing,vip", confidence: 0.97) with { ProposedAt = default };
        await Propose(saga, p);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying));
        Assert.That(saga.Write(p.CorrelationId).DecidedBy, Is.EqualTo("policy"));
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(1));

        Assert.That(await saga.SendAsync(Applied(saga, p.CorrelationId)), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applied));
        Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "applied" }));
    }

    [Test]
    public async Task Forbidden_kinds_writes_without_a_route_and_writes_of_no_records_are_refused()
    {
        await using var saga = await InMemorySaga.StartAsync(Policies.Example, new Dictionary<string, string?> { ["Writer:Crm:Routes:nowhere"] = "none" });
        var forbidden = Proposals.SetCategory("T-forbidden", "billing") with { ProposedAt = default };
        var unrouted = Proposals.SetPriority("T-unrouted", source: "nowhere") with { ProposedAt = default };
        var empty = Proposals.SetPriority("T-empty", recordCount: 0) with { ProposedAt = default };
        foreach (var p in new[] { forbidden, unrouted, empty })
            await Propose(saga, p);
        Assert.Multiple(async () =>
        {
            foreach (var p in new[] { forbidden, unrouted, empty })
            {
                Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Refused), p.ExternalId);
                Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "refused" }), p.ExternalId);
                Assert.That(saga.ApplyWrites(p.CorrelationId), Is.Empty, p.ExternalId);
            }
            Assert.That(saga.Write(forbidden.CorrelationId).DecidedBy, Is.EqualTo("policy"));
            Assert.That(saga.Write(unrouted.CorrelationId).DecisionReason, Does.Contain("no writable route"));
            Assert.That(saga.Write(empty.CorrelationId).DecisionReason, Does.Contain("record count 0"));
        });
    }

    [Test]
    public async Task A_kind_in_shadow_mode_ends_shadowed_with_its_shadow_row_and_no_apply()
    {
        await using var saga = await StartAsync("""
            { "permissions": { "write:set-priority": { "allowed": true, "mode": "auto", "auto_approve_min_confidence": 0.95 } } }
            """);
        var p = Priority("T-shadow");
        await Propose(saga, p);
        Assert.Multiple(async () =>
        {
            Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Shadowed));
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "shadowed" }));
            Assert.That(await saga.ShadowRowsAsync(), Is.EqualTo(1));
            Assert.That(saga.ApplyWrites(p.CorrelationId), Is.Empty);
        });
    }

    [Test]
    public async Task Same_content_is_counted_new_content_supersedes_and_an_older_version_is_ignored()
    {
        await using var saga = await StartAsync();
        var first = Priority("T-dup", minutesLater: 5);
        await Propose(saga, first);
        await Propose(saga, first);
        await Propose(saga, first with { TicketUpdatedAt = Version }); // same content from an older version: still a duplicate
        Assert.That(saga.Write(first.CorrelationId).DuplicateCount, Is.EqualTo(2));

        await Propose(saga, Priority("T-dup", "urgent", minutesLater: 10));
        await Propose(saga, Priority("T-dup", "low", minutesLater: 1)); // late: from before the version it holds
        var write = saga.Write(first.CorrelationId);
        Assert.Multiple(async () =>
        {
            Assert.That(write.CurrentState, Is.EqualTo(WriteStates.AwaitingApproval));
            Assert.That(write.Changes, Does.Contain("urgent"));
            Assert.That(write.SupersededCount, Is.EqualTo(1));
            Assert.That(write.TicketUpdatedAt, Is.EqualTo(Version.AddMinutes(10)));
            Assert.That(await saga.HistoryAsync(first.CorrelationId), Is.EqualTo(new[] { "proposed", "superseded", "stale" }));
        });
    }

    [Test]
    public async Task Approval_applies_the_version_it_names_and_refuses_one_superseded_since()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-approve");
        await Propose(saga, p);
        var seen = Approval(saga, p.CorrelationId);
        await Propose(saga, Priority("T-approve", "urgent", minutesLater: 1));
        Assert.That(await saga.SendAsync(seen), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval), "approved what the approver did not see");

        Assert.That(await saga.SendAsync(Approval(saga, p.CorrelationId)), Is.Null);
        var write = saga.Write(p.CorrelationId);
        Assert.Multiple(async () =>
        {
            Assert.That(write.CurrentState, Is.EqualTo(WriteStates.Applying));
            Assert.That(write.DecidedBy, Is.EqualTo("alice"));
            Assert.That(saga.ApplyWrites(p.CorrelationId).Single().Changes["priority"], Is.EqualTo("urgent"));
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "superseded", "refused", "approved" }));
        });
    }

    [Test]
    public async Task An_approval_for_no_write_faults_and_a_rejection_ends_the_write()
    {
        await using var saga = await StartAsync();
        Assert.That(await saga.SendAsync(new ApproveWrite { CorrelationId = Guid.NewGuid(), Approver = "alice" }), Is.Not.Null,
            "an approval for nothing is a client bug, made visible");
        var p = Priority("T-reject");
        await Propose(saga, p);
        Assert.That(await saga.SendAsync(new RejectWrite { CorrelationId = p.CorrelationId, Approver = "bob", Reason = "wrong" }), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Rejected));
        Assert.That(saga.Write(p.CorrelationId).DecidedBy, Is.EqualTo("bob"));
        Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "rejected" }));
    }

    [Test]
    public async Task A_pending_write_expires_only_once_the_clock_passed_its_deadline()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-expire");
        await Propose(saga, p);
        var expire = new ExpireWrite { CorrelationId = p.CorrelationId, DueAt = saga.Write(p.CorrelationId).ExpiresAt };
        saga.Clock.Advance(new WriterOptions().ApprovalTimeout - TimeSpan.FromSeconds(1));
        Assert.That(await saga.SendAsync(expire), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval), "an early sweep expires nothing");

        saga.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await saga.SendAsync(expire), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Expired));
        Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "expired" }));
    }

    [Test]
    public async Task Failures_that_may_pass_keep_the_write_applying_on_its_next_attempt_and_the_final_no_fails_it()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-fail");
        await Propose(saga, p);
        await saga.SendAsync(Approval(saga, p.CorrelationId));
        var first = saga.ApplyWrites(p.CorrelationId).Single();

        Assert.That(await saga.SendAsync(Failure(saga, p.CorrelationId, permanent: false)), Is.Null);
        Assert.That(await saga.SendAsync<Fault<ApplyWrite>>(new { Message = first with { Attempt = saga.Write(p.CorrelationId).ApplyAttempt },
            Exceptions = new ExceptionInfo[] { new FaultExceptionInfo(new InvalidOperationException("database down")) } }), Is.Null);
        var write = saga.Write(p.CorrelationId);
        Assert.Multiple(() =>
        {
            Assert.That(write.CurrentState, Is.EqualTo(WriteStates.Applying));
            Assert.That(write.ApplyAttempt, Is.EqualTo(first.Attempt + 2), "each ended attempt moves the write to its next one");
            Assert.That(write.FailureReason, Does.Contain("database down"));
        });
        // A result of an attempt the write is no longer on changes nothing.
        Assert.That(await saga.SendAsync(Failure(saga, p.CorrelationId, permanent: true) with { Attempt = first.Attempt }), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying));

        Assert.That(await saga.SendAsync(Failure(saga, p.CorrelationId, permanent: true)), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Failed));
        Assert.That(await saga.HistoryAsync(p.CorrelationId),
            Is.EqualTo(new[] { "proposed", "approved", "apply_deferred", "apply_faulted", "failed" }));
    }

    [Test]
    public async Task A_redrive_sends_the_attempt_again_until_the_give_up_time_then_fails_the_write()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-redrive");
        await Propose(saga, p);
        await saga.SendAsync(Approval(saga, p.CorrelationId));
        var redrive = new RedriveWrite { CorrelationId = p.CorrelationId, Attempt = saga.Write(p.CorrelationId).ApplyAttempt };

        saga.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.That(await saga.SendAsync(redrive), Is.Null);
        Assert.That(saga.ApplyWrites(p.CorrelationId).Select(a => a.Attempt), Is.EqualTo(new[] { redrive.Attempt, redrive.Attempt }));
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying));

        saga.Clock.Advance(new WriterOptions().ApplyGiveUpAfter);
        Assert.That(await saga.SendAsync(redrive), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Failed));
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(2), "given up: not sent a third time");
        Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "redriven", "failed" }));
    }

    [Test]
    public async Task A_copy_of_the_approval_that_started_the_attempt_sends_its_ApplyWrite_again_and_nothing_else_does()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-copy");
        await Propose(saga, p);
        var approval = Approval(saga, p.CorrelationId);
        var approvalId = NewId.NextGuid();
        Assert.That(await saga.SendAsync(approval, approvalId), Is.Null);
        var attempt = saga.Write(p.CorrelationId).ApplyAttempt;

        // The approval's first handling committed; its ApplyWrite leaves after the commit and may not have. Its copy
        // (an in-memory retry, a redelivery) is all that would send it before the re-drive sweeper.
        saga.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await saga.SendAsync(approval, approvalId), Is.Null);
        Assert.That(saga.ApplyWrites(p.CorrelationId).Select(a => a.Attempt), Is.EqualTo(new[] { attempt, attempt }));
        Assert.That(saga.Write(p.CorrelationId).ApplyRequestedAt, Is.EqualTo(saga.Clock.GetUtcNow()), "the sweeper counts from the copy sent");

        // Another approval of the same write is a second decision, not a copy: nothing is sent.
        Assert.That(await saga.SendAsync(approval), Is.Null);
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(2));

        // Once the attempt ended without applying, the next one is the sweeper's to send, copies or not.
        Assert.That(await saga.SendAsync(Failure(saga, p.CorrelationId, permanent: false)), Is.Null);
        Assert.That(await saga.SendAsync(approval, approvalId), Is.Null);
        Assert.Multiple(async () =>
        {
            Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(2));
            Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying));
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "resent", "apply_deferred" }));
        });
    }

    [Test]
    public async Task A_copy_of_an_auto_approved_proposal_or_of_the_ticket_message_it_came_in_sends_its_ApplyWrite_again()
    {
        await using var saga = await StartAsync();
        var p = Proposals.AddTags("T-auto-copy", "billing", confidence: 0.97) with { ProposedAt = default };
        var proposalId = NewId.NextGuid();
        Assert.That(await saga.SendAsync(p, proposalId), Is.Null);
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying));

        // The same proposal in another message (a vendor's retry, a second classifier) is a duplicate, as ever.
        await Propose(saga, p);
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(1));

        // The message that decided it, again; and the write sent back as its own message when the ticket's
        // ProposeWrites was split after a failed attempt (its id named after that message).
        Assert.That(await saga.SendAsync(p, proposalId), Is.Null);
        Assert.That(await saga.SendAsync(p, ProposeWritesConsumer.SplitCopyId(proposalId, p.CorrelationId)), Is.Null);
        var write = saga.Write(p.CorrelationId);
        Assert.Multiple(async () =>
        {
            Assert.That(saga.ApplyWrites(p.CorrelationId).Select(a => a.Attempt), Is.EqualTo(Enumerable.Repeat(write.ApplyAttempt, 3)));
            Assert.That(write.DuplicateCount, Is.EqualTo(1), "copies are not duplicates");
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Is.EqualTo(new[] { "proposed", "approved", "duplicate", "resent", "resent" }));
        });

        Assert.That(await saga.SendAsync(Applied(saga, p.CorrelationId)), Is.Null);
        Assert.That(await saga.SendAsync(p, proposalId), Is.Null);
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(3), "applied: a copy is a duplicate");
    }

    [Test]
    public async Task A_result_that_opens_an_auto_approved_generation_sends_its_ApplyWrite_once_and_a_copy_of_it_again()
    {
        await using var saga = await StartAsync();
        var p = Proposals.AddTags("T-gen-copy", "billing", confidence: 0.97) with { ProposedAt = default, TicketUpdatedAt = Version };
        await Propose(saga, p);
        await Propose(saga, Proposals.AddTags("T-gen-copy", "vip", confidence: 0.97) with { ProposedAt = default, TicketUpdatedAt = Version.AddMinutes(1) });
        var applied = Applied(saga, p.CorrelationId);
        var appliedId = NewId.NextGuid();

        // The result ends generation 1 and, with the same message, starts generation 2's attempt: one ApplyWrite.
        Assert.That(await saga.SendAsync(applied, appliedId), Is.Null);
        var write = saga.Write(p.CorrelationId);
        Assert.That((write.CurrentState, write.Generation), Is.EqualTo((WriteStates.Applying, 2)));
        Assert.That(saga.ApplyWrites(p.CorrelationId).Select(a => (a.Generation, a.Attempt)), Is.EqualTo(new[] { (1, 1), (2, 2) }));

        Assert.That(await saga.SendAsync(applied, appliedId), Is.Null);
        Assert.That(saga.ApplyWrites(p.CorrelationId).Select(a => (a.Generation, a.Attempt)), Is.EqualTo(new[] { (1, 1), (2, 2), (2, 2) }),
            "its copy sends generation 2's ApplyWrite again");
        Assert.That((await saga.HistoryAsync(p.CorrelationId)).TakeLast(2), Is.EqualTo(new[] { "approved", "resent" }));
    }

    [Test]
    public async Task What_a_transition_logs_is_written_once_it_committed_and_not_when_its_commit_failed()
    {
        var logs = new LogCapture();
        await using var saga = await InMemorySaga.StartAsync(Policies.Example, logs: logs);
        var (expired, stale, closed, deferred) = (Priority("T-log-1"), Priority("T-log-2"), Priority("T-log-3"), Priority("T-log-4"));
        foreach (var p in new[] { expired, stale, closed, deferred })
            await Propose(saga, p);
        await saga.SendAsync(Approval(saga, closed.CorrelationId));
        await saga.SendAsync(Applied(saga, closed.CorrelationId));
        await saga.SendAsync(Approval(saga, deferred.CorrelationId));
        saga.Clock.Advance(new WriterOptions().ApprovalTimeout);

        (string Line, object Message)[] transitions =
        [
            ("expired without a decision", new ExpireWrite { CorrelationId = expired.CorrelationId }),
            ("it changed since it was seen", Approval(saga, stale.CorrelationId) with { ContentHash = "another-version" }),
            ("refused for write " + closed.IdempotencyKey + ": Applied", new RejectWrite { CorrelationId = closed.CorrelationId, Approver = "bob" }),
            ("not applied (apply_deferred)", Failure(saga, deferred.CorrelationId, permanent: false)),
        ];
        foreach (var (line, message) in transitions)
        {
            saga.FailNextCommit();
            Assert.That(await saga.SendAsync(message), Is.Not.Null, "the commit failed");
            Assert.That(logs.Lines.Where(l => l.Contains(line, StringComparison.Ordinal)), Is.Empty, $"'{line}' written for a transition that did not commit");
        }

        // Committed, each is written once. (The in-memory repository keeps what a failed transition changed, so these
        // are new writes in the same states.)
        var (expired2, closed2) = (Priority("T-log-5"), Priority("T-log-6"));
        await Propose(saga, expired2);
        await Propose(saga, closed2);
        await saga.SendAsync(Approval(saga, closed2.CorrelationId));
        await saga.SendAsync(Applied(saga, closed2.CorrelationId));
        saga.Clock.Advance(new WriterOptions().ApprovalTimeout);
        Assert.That(await saga.SendAsync(new ExpireWrite { CorrelationId = expired2.CorrelationId }), Is.Null);
        Assert.That(await saga.SendAsync(new RejectWrite { CorrelationId = closed2.CorrelationId, Approver = "bob" }), Is.Null);
        Assert.That(logs.Lines.Count(l => l.Contains($"Write {expired2.IdempotencyKey} expired without a decision", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(logs.Lines.Count(l => l.Contains($"refused for write {closed2.IdempotencyKey}: Applied", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_newer_version_after_the_decision_opens_the_next_generation_and_one_while_applying_waits_for_it()
    {
        await using var saga = await StartAsync();
        var p = Priority("T-gen");
        await Propose(saga, p);
        await saga.SendAsync(new RejectWrite { CorrelationId = p.CorrelationId, Approver = "bob" });
        await Propose(saga, p with { TicketUpdatedAt = Version.AddMinutes(1) }); // same content: a duplicate
        await Propose(saga, Priority("T-gen", "urgent", minutesLater: 2));
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.AwaitingApproval));
        Assert.That(saga.Write(p.CorrelationId).Generation, Is.EqualTo(2));

        await saga.SendAsync(Approval(saga, p.CorrelationId));
        await Propose(saga, Priority("T-gen", "low", minutesLater: 3));
        Assert.That(saga.State(p.CorrelationId), Is.EqualTo(WriteStates.Applying), "queued: the write being applied is not changed under the CRM call");
        Assert.That(saga.ApplyWrites(p.CorrelationId), Has.Length.EqualTo(1));

        await saga.SendAsync(Applied(saga, p.CorrelationId));
        var write = saga.Write(p.CorrelationId);
        Assert.Multiple(async () =>
        {
            Assert.That(write.CurrentState, Is.EqualTo(WriteStates.AwaitingApproval), "the queued proposal is the third generation, held");
            Assert.That(write.Generation, Is.EqualTo(3));
            Assert.That(write.Changes, Does.Contain("low"));
            Assert.That(await saga.HistoryAsync(p.CorrelationId), Does.Contain("duplicate").And.Contain("queued").And.Contain("applied"));
        });
    }

    [Test]
    public async Task Late_and_repeated_events_in_every_final_state_change_nothing_and_fault_nothing()
    {
        await using var saga = await InMemorySaga.StartAsync(Policies.Example, new Dictionary<string, string?> { ["Writer:Crm:Routes:nowhere"] = "none" });
        var writes = new Dictionary<string, ProposeWrite>();
        async Task Reach(string state, string ticket, Func<Guid, Task> steps, ProposeWrite? proposal = null)
        {
            var p = proposal ?? Priority(ticket);
            await Propose(saga, p);
            await steps(p.CorrelationId);
            Assert.That(saga.State(p.CorrelationId), Is.EqualTo(state));
            writes[state] = p;
        }
        await Reach(WriteStates.Applied, "T-late-1", async id => { await saga.SendAsync(Approval(saga, id)); await saga.SendAsync(Applied(saga, id)); });
        await Reach(WriteStates.Rejected, "T-late-2", id => saga.SendAsync(new RejectWrite { CorrelationId = id, Approver = "bob" }));
        await Reach(WriteStates.Failed, "T-late-3", async id => { await saga.SendAsync(Approval(saga, id)); await saga.SendAsync(Failure(saga, id, true)); });
        await Reach(WriteStates.Refused, "T-late-4", _ => Task.CompletedTask, Proposals.SetCategory("T-late-4", "billing") with { ProposedAt = default });
        await Reach(WriteStates.Expired, "T-late-5", async id =>
        {
            saga.Clock.Advance(new WriterOptions().ApprovalTimeout);
            await saga.SendAsync(new ExpireWrite { CorrelationId = id });
        });

        foreach (var (state, proposal) in writes)
        {
            var id = proposal.CorrelationId;
            var before = saga.Write(id);
            var (generation, attempt, hash) = (before.Generation, before.ApplyAttempt, before.ContentHash);
            object[] late =
            [
                new ApproveWrite { CorrelationId = id, Approver = "alice", ContentHash = hash },
                new RejectWrite { CorrelationId = id, Approver = "alice" },
                new ExpireWrite { CorrelationId = id },
                new RedriveWrite { CorrelationId = id, Attempt = attempt },
                new WriteApplied { CorrelationId = id, Attempt = attempt, IdempotencyKey = before.IdempotencyKey, Adapter = "journal" },
                new WriteFailed { CorrelationId = id, Attempt = attempt, IdempotencyKey = before.IdempotencyKey, Reason = "late" },
                new BatchWriteDecided { CorrelationId = id, BatchId = Guid.NewGuid(), Approver = "alice", Released = true, ContentHash = hash },
            ];
            foreach (var message in late)
                Assert.That(await saga.SendAsync(message), Is.Null, $"{message.GetType().Name} in {state}");
            Assert.That(await saga.SendAsync(proposal), Is.Null, $"a copy of the proposal in {state}");
            var after = saga.Write(id);
            Assert.Multiple(() =>
            {
                Assert.That(after.CurrentState, Is.EqualTo(state));
                Assert.That(after.Generation, Is.EqualTo(generation), state);
                Assert.That(after.ApplyAttempt, Is.EqualTo(attempt), state);
            });
        }
        Assert.That(saga.Harness.Published.Select<Fault>().ToArray(), Is.Empty);
    }
}
