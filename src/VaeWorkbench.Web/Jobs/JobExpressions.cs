using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// The lease conditions and updates of <see cref="LeasedJobQueue{TJob,TStatus}"/>, built once for any job table. They
/// are expression trees over the entity's own properties (found by the names <see cref="ILeasedJob{TStatus}"/> gives),
/// so EF translates them into the same single conditional UPDATE a hand-written query would be.
/// </summary>
internal static class JobExpressions<TJob, TStatus> where TJob : class, ILeasedJob<TStatus> where TStatus : struct, Enum
{
    private static readonly ParameterExpression Job = Expression.Parameter(typeof(TJob), "job");

    /// <summary>Queued, or Running with a lease that lapsed (or was released for a restart).</summary>
    public static Expression<Func<TJob, bool>> Claimable(TStatus queued, TStatus running, DateTimeOffset now)
    {
        var expires = Column(nameof(ILeasedJob<TStatus>.LeaseExpiresAt));
        var lapsed = Expression.OrElse(
            Expression.Equal(expires, Expression.Constant(null, typeof(DateTimeOffset?))),
            Expression.LessThan(expires, Expression.Convert(Captured(now), typeof(DateTimeOffset?))));
        return Lambda(Expression.OrElse(StatusIs(queued), Expression.AndAlso(StatusIs(running), lapsed)));
    }

    public static Expression<Func<TJob, bool>> IdIs(Guid id) => Lambda(IdEquals(id));

    /// <summary>The job is Running and this owner holds its lease: the condition of every write a worker makes.</summary>
    public static Expression<Func<TJob, bool>> HeldBy(Guid id, string owner, TStatus running) =>
        Lambda(Expression.AndAlso(IdEquals(id), Expression.AndAlso(
            Expression.Equal(Column(nameof(ILeasedJob<TStatus>.LeaseOwner)), Captured<string?>(owner)), StatusIs(running))));

    public static MemberExpression Column(string name) =>
        Expression.Property(Job, typeof(TJob).GetProperty(name) ?? throw new InvalidOperationException($"{typeof(TJob).Name} has no {name}"));

    /// <summary>The lambda <c>job => job.Name</c> on the entity's own property, for a SET clause.</summary>
    public static Expression<Func<TJob, TProperty>> Property<TProperty>(string name) =>
        Expression.Lambda<Func<TJob, TProperty>>(Column(name), Job);

    /// <summary><c>job => job.Name ?? value</c>: keeps a column that is set (the first start time, say).</summary>
    public static Expression<Func<TJob, DateTimeOffset?>> ColumnOr(string name, DateTimeOffset value) =>
        Expression.Lambda<Func<TJob, DateTimeOffset?>>(
            Expression.Coalesce(Column(name), Expression.Convert(Captured(value), typeof(DateTimeOffset?))), Job);

    private static Expression Captured<T>(T value) => CapturedValue.Of(value);

    private static Expression IdEquals(Guid id) => Expression.Equal(Column(nameof(ILeasedJob<TStatus>.Id)), Captured(id));

    // C# compares enums through their underlying int; EF expects that shape (and Expression.Equal has no enum operator).
    private static Expression StatusIs(TStatus status) => Expression.Equal(
        Expression.Convert(Column(nameof(ILeasedJob<TStatus>.Status)), typeof(int)), Expression.Convert(Captured(status), typeof(int)));

    private static Expression<Func<TJob, bool>> Lambda(Expression body) => Expression.Lambda<Func<TJob, bool>>(body, Job);
}

/// <summary>The SET list of one conditional UPDATE on a job table, as <c>ExecuteUpdate</c> takes it.</summary>
public sealed class JobUpdate<TJob> where TJob : class
{
    private readonly List<Action<UpdateSettersBuilder<TJob>>> _sets = [];

    public JobUpdate<TJob> Set<TProperty>(Expression<Func<TJob, TProperty>> property, TProperty value)
    {
        _sets.Add(set => set.SetProperty(property, value));
        return this;
    }

    /// <summary>Sets a column to an expression of the row itself (for example "keep the first start time").</summary>
    public JobUpdate<TJob> SetFrom<TProperty>(Expression<Func<TJob, TProperty>> property, Expression<Func<TJob, TProperty>> value)
    {
        _sets.Add(set => set.SetProperty(property, value));
        return this;
    }

    public bool IsEmpty => _sets.Count == 0;

    public Action<UpdateSettersBuilder<TJob>> Build() => set =>
    {
        foreach (var apply in _sets) apply(set);
    };
}

internal static class CapturedValue
{
    /// <summary>A value as a captured variable, so EF sends it as a parameter rather than inlining it into the SQL.</summary>
    public static Expression Of<T>(T value) => Expression.Property(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private sealed class Box<T>(T value)
    {
        public T Value { get; } = value;
    }
}
