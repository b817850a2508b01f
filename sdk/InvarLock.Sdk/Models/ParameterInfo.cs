namespace InvarLock.Sdk.Models;

/// <summary>A named parameter tensor and its logical shape (row-major).</summary>
/// <param name="Name">The Hugging Face parameter name.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
public sealed record ParameterInfo(string Name, IReadOnlyList<int> Shape)
{
    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape)
            {
                n *= d;
            }
            return n;
        }
    }
}
