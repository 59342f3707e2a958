namespace VaeWorkbench.Web.Components.DatasetViews;

/// <summary>A drop-down entry. Radzen binds TextProperty/ValueProperty by reflection, which tuples' element names do not survive.</summary>
public sealed record Choice(string Text, int? Value);
