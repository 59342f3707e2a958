using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>A user of a running <see cref="AppServer"/>, calling its REST API with a bearer token over real HTTP.</summary>
public sealed class ApiSession : IDisposable
{
    private ApiSession(HttpClient client) => Client = client;

    public HttpClient Client { get; }

    public static async Task<ApiSession> RegisterAsync(string baseUrl, string email, string password = "a-long-enough-password")
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        await Expect(await client.PostAsJsonAsync("/api/auth/register", new { email, password }), HttpStatusCode.Created);
        return await SignInAsync(baseUrl, email, password, client);
    }

    public static async Task<ApiSession> SignInAsync(string baseUrl, string email, string password = "a-long-enough-password", HttpClient? client = null)
    {
        client ??= new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password, name = "e2e" });
        await Expect(response, HttpStatusCode.OK);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiSession(client);
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        await Expect(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> SendAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await Expect(response, expected);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Uploads the Fashion-MNIST test split's IDX files (10,000 real images, 10 classes) as a dataset.</summary>
    public async Task<Guid> UploadFashionMnistAsync(string name)
    {
        const string dir = "/usr/share/datasets/fashion-mnist";
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")))
            throw new InvalidOperationException($"Fashion-MNIST is missing at {dir}. Run: sudo apt-get install -y dataset-fashion-mnist (scripts/test.sh does this).");
        var files = new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
        var created = await SendAsync(await PostDatasetAsync(name, files.Select(f => (f, (Stream)File.OpenRead(Path.Combine(dir, f)))).ToArray()), HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>Uploads one ZIP (ImageFolder layout) of 28x28 grey images as a dataset and returns the new dataset's id.</summary>
    public async Task<Guid> UploadZipAsync(string name, byte[] zip)
    {
        var created = await SendAsync(await PostDatasetAsync(name, ("images.zip", new MemoryStream(zip))), HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>POST /api/datasets with 28x28 grey settings and the given files; the caller checks the answer.</summary>
    public async Task<HttpResponseMessage> PostDatasetAsync(string name, params (string FileName, Stream Content)[] files)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent("28"), "imageSize" },
            { new StringContent("1"), "channels" },
        };
        foreach (var (fileName, content) in files) form.Add(new StreamContent(content), "files", fileName);
        return await Client.PostAsync("/api/datasets", form);
    }

    public static async Task Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => Client.Dispose();
}
