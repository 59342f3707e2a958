using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// "The column contains this text", the same on both databases: the user's text is matched literally (LIKE's wildcards
/// escaped) and ignoring case. SQLite's LIKE ignores ASCII case by itself; PostgreSQL's LIKE does not, so there it is
/// ILIKE (which ignores case in every script).
/// </summary>
public static class TextSearch
{
    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.ILike),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    /// <summary><c>row => column1 contains text || column2 contains text ...</c>; <paramref name="query"/> only names the row type.</summary>
    public static Expression<Func<T, bool>> AnyContains<T>(IQueryable<T> query, AppDbContext db, string text, params Expression<Func<T, string>>[] columns)
    {
        var method = db.Database.IsNpgsql() ? ILike : Like;
        var pattern = CapturedPattern(text);
        var row = Expression.Parameter(typeof(T), "row");
        var body = columns
            .Select(c => (Expression)Expression.Call(method, Expression.Constant(EF.Functions), Rebind(c, row), pattern, Expression.Constant("\\")))
            .Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    /// <summary><c>row => left(row) || right(row)</c>.</summary>
    public static Expression<Func<T, bool>> Or<T>(this Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Expression.Lambda<Func<T, bool>>(Expression.OrElse(left.Body, Rebind(right, left.Parameters[0])), left.Parameters);

    /// <summary>The LIKE pattern for "contains <paramref name="text"/>", with <c>\</c> as the escape character.</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    // A captured variable, so EF sends the pattern as a parameter rather than inlining the user's text into the SQL.
    private static Expression CapturedPattern(string text)
    {
        var box = new PatternBox(ContainsPattern(text));
        return Expression.Property(Expression.Constant(box), nameof(PatternBox.Value));
    }

    private static Expression Rebind<TDelegate>(Expression<TDelegate> lambda, ParameterExpression parameter) =>
        new Rebinder(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private sealed record PatternBox(string Value);

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
