namespace VaeWorkbench.Web.Data.Entities;

/// <summary>What a member may do in a team. Ordered: each role can do everything the ones below it can.</summary>
public enum TeamRole
{
    /// <summary>Reads, downloads and views.</summary>
    Viewer = 0,

    /// <summary>Also uploads, trains, registers, generates and reviews.</summary>
    Editor = 1,

    /// <summary>Also manages members and roles, and can delete anything.</summary>
    Owner = 2,
}
