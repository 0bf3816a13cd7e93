// A C# client of trackd's MLflow REST API with nothing but HttpClient and a JSON serializer
// (DataContractJsonSerializer: Mono has no System.Text.Json; on .NET 6+ either works).
// It does what a training job does: find or create an experiment in a project, create a run, log
// parameters and metric batches over many steps, upload a JSON result file, finish the run, search
// runs, and download the file back. Every value is read back and compared with what was written;
// the program prints one line per check and exits non-zero when any check fails.
//
// Usage: mono TrackdExample.exe <server-url> <project> [experiment-name]
//   e.g. mono TrackdExample.exe http://127.0.0.1:5000 team-a
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace TrackdExample
{
    // ---- MLflow's JSON shapes (only the fields this program uses) ----

    [DataContract] public class KeyValue
    {
        [DataMember(Name = "key")] public string Key;
        [DataMember(Name = "value")] public string Value;
        public KeyValue(string key, string value) { Key = key; Value = value; }
    }

    [DataContract] public class Metric
    {
        [DataMember(Name = "key")] public string Key;
        [DataMember(Name = "value")] public double Value;
        [DataMember(Name = "timestamp")] public long Timestamp;
        [DataMember(Name = "step")] public long Step;
    }

    [DataContract] public class Experiment
    {
        [DataMember(Name = "experiment_id")] public string ExperimentId;
        [DataMember(Name = "name")] public string Name;
        [DataMember(Name = "lifecycle_stage")] public string LifecycleStage;
    }

    [DataContract] public class ExperimentResponse { [DataMember(Name = "experiment")] public Experiment Experiment; }
    [DataContract] public class CreateExperimentResponse { [DataMember(Name = "experiment_id")] public string ExperimentId; }

    [DataContract] public class RunInfo
    {
        [DataMember(Name = "run_id")] public string RunId;
        [DataMember(Name = "experiment_id")] public string ExperimentId;
        [DataMember(Name = "run_name")] public string RunName;
        [DataMember(Name = "status")] public string Status;
        [DataMember(Name = "start_time")] public long StartTime;
        [DataMember(Name = "end_time")] public long? EndTime;
        [DataMember(Name = "artifact_uri")] public string ArtifactUri;
    }

    [DataContract] public class RunData
    {
        [DataMember(Name = "metrics")] public List<Metric> Metrics;
        [DataMember(Name = "params")] public List<KeyValue> Params;
        [DataMember(Name = "tags")] public List<KeyValue> Tags;
    }

    [DataContract] public class Run
    {
        [DataMember(Name = "info")] public RunInfo Info;
        [DataMember(Name = "data")] public RunData Data;
    }

    [DataContract] public class RunResponse { [DataMember(Name = "run")] public Run Run; }

    [DataContract] public class SearchRunsResponse
    {
        [DataMember(Name = "runs")] public List<Run> Runs;
        [DataMember(Name = "next_page_token")] public string NextPageToken;
    }

    [DataContract] public class MetricHistoryResponse
    {
        [DataMember(Name = "metrics")] public List<Metric> Metrics;
        [DataMember(Name = "next_page_token")] public string NextPageToken;
    }

    [DataContract] public class FileInfo
    {
        [DataMember(Name = "path")] public string Path;
        [DataMember(Name = "is_dir")] public bool IsDir;
        [DataMember(Name = "file_size")] public long? FileSize;
    }

    [DataContract] public class ListArtifactsResponse
    {
        [DataMember(Name = "root_uri")] public string RootUri;
        [DataMember(Name = "files")] public List<FileInfo> Files;
    }

    [DataContract] public class Empty { }

    [DataContract] public class UploadResponse { [DataMember(Name = "files")] public List<FileInfo> Files; }

    [DataContract] public class ErrorResponse
    {
        [DataMember(Name = "error_code")] public string ErrorCode;
        [DataMember(Name = "message")] public string Message;
    }

    // Request bodies. EmitDefaultValue=false leaves unset fields out, as MLflow's clients do.
    [DataContract] public class CreateExperimentRequest { [DataMember(Name = "name")] public string Name; }

    [DataContract] public class CreateRunRequest
    {
        [DataMember(Name = "experiment_id")] public string ExperimentId;
        [DataMember(Name = "run_name")] public string RunName;
        [DataMember(Name = "start_time")] public long StartTime;
        [DataMember(Name = "tags")] public List<KeyValue> Tags;
    }

    [DataContract] public class LogBatchRequest
    {
        [DataMember(Name = "run_id")] public string RunId;
        [DataMember(Name = "metrics", EmitDefaultValue = false)] public List<Metric> Metrics;
        [DataMember(Name = "params", EmitDefaultValue = false)] public List<KeyValue> Params;
    }

    [DataContract] public class UpdateRunRequest
    {
        [DataMember(Name = "run_id")] public string RunId;
        [DataMember(Name = "status")] public string Status;
        [DataMember(Name = "end_time")] public long EndTime;
    }

    [DataContract] public class SearchRunsRequest
    {
        [DataMember(Name = "experiment_ids")] public List<string> ExperimentIds;
        [DataMember(Name = "filter")] public string Filter;
        [DataMember(Name = "order_by")] public List<string> OrderBy;
        [DataMember(Name = "max_results")] public int MaxResults;
    }

    /** MLflow's error envelope as an exception. */
    public class MlflowApiException : Exception
    {
        public readonly HttpStatusCode Status;
        public readonly string ErrorCode;
        public MlflowApiException(HttpStatusCode status, string code, string message)
            : base(status + " " + code + ": " + message) { Status = status; ErrorCode = code; }
    }

    /** The few calls a job needs, against one project of one server. */
    public class TrackdClient
    {
        readonly HttpClient http;
        readonly string projectUrl;

        public TrackdClient(HttpClient http, string serverUrl, string project)
        {
            this.http = http;
            projectUrl = serverUrl.TrimEnd('/') + "/projects/" + project;
        }

        static string ToJson<T>(T value)
        {
            using (var stream = new MemoryStream())
            {
                new DataContractJsonSerializer(typeof(T)).WriteObject(stream, value);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        static T FromJson<T>(string json)
        {
            using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
                return (T)new DataContractJsonSerializer(typeof(T)).ReadObject(stream);
        }

        static T Read<T>(HttpResponseMessage res)
        {
            var body = res.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!res.IsSuccessStatusCode)
            {
                var error = FromJson<ErrorResponse>(body);
                throw new MlflowApiException(res.StatusCode, error.ErrorCode, error.Message);
            }
            return FromJson<T>(body);
        }

        T Get<T>(string path) { return Read<T>(http.GetAsync(projectUrl + path).GetAwaiter().GetResult()); }

        TResponse Post<TRequest, TResponse>(string path, TRequest request)
        {
            var content = new StringContent(ToJson(request), Encoding.UTF8, "application/json");
            return Read<TResponse>(http.PostAsync(projectUrl + path, content).GetAwaiter().GetResult());
        }

        public string GetOrCreateExperiment(string name)
        {
            try
            {
                return Get<ExperimentResponse>(
                    "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name)
                ).Experiment.ExperimentId;
            }
            catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST")
            {
                return Post<CreateExperimentRequest, CreateExperimentResponse>(
                    "/api/2.0/mlflow/experiments/create", new CreateExperimentRequest { Name = name }
                ).ExperimentId;
            }
        }

        public RunInfo CreateRun(string experimentId, string runName, List<KeyValue> tags)
        {
            return Post<CreateRunRequest, RunResponse>("/api/2.0/mlflow/runs/create", new CreateRunRequest {
                ExperimentId = experimentId, RunName = runName, StartTime = Now(), Tags = tags,
            }).Run.Info;
        }

        public void LogBatch(string runId, List<Metric> metrics, List<KeyValue> parameters)
        {
            Post<LogBatchRequest, Empty>("/api/2.0/mlflow/runs/log-batch",
                new LogBatchRequest { RunId = runId, Metrics = metrics, Params = parameters });
        }

        public void FinishRun(string runId)
        {
            Post<UpdateRunRequest, Empty>("/api/2.0/mlflow/runs/update",
                new UpdateRunRequest { RunId = runId, Status = "FINISHED", EndTime = Now() });
        }

        public Run GetRun(string runId)
        {
            return Get<RunResponse>("/api/2.0/mlflow/runs/get?run_id=" + runId).Run;
        }

        public List<Metric> MetricHistory(string runId, string key)
        {
            return Get<MetricHistoryResponse>("/api/2.0/mlflow/metrics/get-history?run_id=" + runId +
                "&metric_key=" + Uri.EscapeDataString(key)).Metrics ?? new List<Metric>();
        }

        public List<Run> SearchRuns(string experimentId, string filter, string orderBy)
        {
            var runs = new List<Run>();
            var request = new SearchRunsRequest {
                ExperimentIds = new List<string> { experimentId }, Filter = filter,
                OrderBy = new List<string> { orderBy }, MaxResults = 1000,
            };
            runs.AddRange(Post<SearchRunsRequest, SearchRunsResponse>("/api/2.0/mlflow/runs/search", request).Runs
                ?? new List<Run>());
            return runs;
        }

        /** trackd's form upload: multipart/form-data with fields named "file" into the run's folder. */
        public List<FileInfo> UploadFile(string runId, string localPath, string folder)
        {
            using (var form = new MultipartFormDataContent())
            {
                var file = new ByteArrayContent(File.ReadAllBytes(localPath));
                file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                form.Add(file, "file", Path.GetFileName(localPath));
                var url = projectUrl + "/api/trackd/v1/runs/" + runId + "/artifacts?path=" + Uri.EscapeDataString(folder);
                return Read<UploadResponse>(http.PostAsync(url, form).GetAwaiter().GetResult()).Files;
            }
        }

        public List<FileInfo> ListArtifacts(string runId, string folder)
        {
            return Get<ListArtifactsResponse>("/api/2.0/mlflow/artifacts/list?run_id=" + runId +
                "&path=" + Uri.EscapeDataString(folder)).Files ?? new List<FileInfo>();
        }

        /** Downloads through MLflow's artifact proxy: the run's artifact_uri is mlflow-artifacts:/<path>. */
        public byte[] DownloadFile(RunInfo run, string relativePath)
        {
            const string scheme = "mlflow-artifacts:/";
            if (!run.ArtifactUri.StartsWith(scheme)) throw new Exception("unexpected artifact_uri " + run.ArtifactUri);
            var path = run.ArtifactUri.Substring(scheme.Length).TrimStart('/') + "/" + relativePath;
            var res = http.GetAsync(projectUrl + "/api/2.0/mlflow-artifacts/artifacts/" + path).GetAwaiter().GetResult();
            if (!res.IsSuccessStatusCode) Read<Empty>(res);
            return res.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        }

        public static long Now() { return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); }
    }

    public static class Program
    {
        const int Steps = 1500;
        const int MaxMetricsPerBatch = 1000;
        static int failures;

        static void Check(string what, bool ok, string detail = "")
        {
            if (!ok) failures++;
            Console.WriteLine((ok ? "ok   " : "FAIL ") + what + (detail == "" ? "" : " (" + detail + ")"));
        }

        static double Loss(int step) { return Math.Round(2.0 / (1 + step * 0.01), 6); }
        static double Accuracy(int step) { return Math.Round(1.0 - 1.0 / (2 + step), 6); }

        public static int Main(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: TrackdExample.exe <server-url> <project> [experiment-name]");
                return 2;
            }
            var experimentName = args.Length > 2 ? args[2] : "csharp-example";
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                // The same variable MLflow's own client reads: a personal access token, sent as a bearer token.
                var token = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_TOKEN");
                if (!string.IsNullOrEmpty(token))
                    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var client = new TrackdClient(http, args[0], args[1]);

                var experimentId = client.GetOrCreateExperiment(experimentName);
                Check("experiment found again by name", client.GetOrCreateExperiment(experimentName) == experimentId,
                    "experiment_id=" + experimentId);

                var tags = new List<KeyValue> { new KeyValue("team", "vision"), new KeyValue("client", "csharp") };
                var run = client.CreateRun(experimentId, "csharp-train", tags);
                Console.WriteLine("run_id=" + run.RunId);

                var parameters = new List<KeyValue> {
                    new KeyValue("learning_rate", "0.01"), new KeyValue("epochs", "15"), new KeyValue("model", "resnet-18"),
                };
                var points = new List<Metric>();
                var t0 = TrackdClient.Now();
                for (var step = 0; step < Steps; step++)
                {
                    points.Add(new Metric { Key = "loss", Value = Loss(step), Timestamp = t0 + step, Step = step });
                    points.Add(new Metric { Key = "accuracy", Value = Accuracy(step), Timestamp = t0 + step, Step = step });
                }
                // One log-batch request holds at most 1000 metrics, params and tags together.
                client.LogBatch(run.RunId, null, parameters);
                var batches = 0;
                for (var i = 0; i < points.Count; i += MaxMetricsPerBatch, batches++)
                    client.LogBatch(run.RunId, points.Skip(i).Take(MaxMetricsPerBatch).ToList(), null);
                Console.WriteLine("logged " + points.Count + " metric values in " + batches + " batches");

                var result = Path.Combine(Path.GetTempPath(), "result-" + run.RunId + ".json");
                File.WriteAllText(result, "{\"best_loss\": " + Loss(Steps - 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture) +
                    ", \"steps\": " + Steps + ", \"notes\": \"caf\u00e9 \u2713\"}\n", new UTF8Encoding(false));
                var uploaded = client.UploadFile(run.RunId, result, "results");
                Check("upload answered the stored path", uploaded.Count == 1 && uploaded[0].Path == "results/" + Path.GetFileName(result),
                    uploaded.Count == 1 ? uploaded[0].Path : uploaded.Count + " files");

                client.FinishRun(run.RunId);

                var stored = client.GetRun(run.RunId);
                Check("run is FINISHED with an end time", stored.Info.Status == "FINISHED" && stored.Info.EndTime.HasValue);
                Check("params read back equal", parameters.All(p => stored.Data.Params.Any(q => q.Key == p.Key && q.Value == p.Value)),
                    string.Join(",", stored.Data.Params.Select(p => p.Key + "=" + p.Value)));
                Check("tags read back equal", tags.All(t => stored.Data.Tags.Any(q => q.Key == t.Key && q.Value == t.Value)));
                var latestLoss = stored.Data.Metrics.Single(m => m.Key == "loss");
                Check("latest loss is the last step's", latestLoss.Step == Steps - 1 && latestLoss.Value == Loss(Steps - 1),
                    "step " + latestLoss.Step + " value " + latestLoss.Value);

                foreach (var key in new[] { "loss", "accuracy" })
                {
                    var history = client.MetricHistory(run.RunId, key).OrderBy(m => m.Step).ToList();
                    var expected = points.Where(p => p.Key == key).ToList();
                    var same = history.Count == expected.Count && history.Zip(expected, (a, b) =>
                        a.Step == b.Step && a.Value == b.Value && a.Timestamp == b.Timestamp).All(x => x);
                    Check(key + " history read back equal", same, history.Count + " of " + expected.Count + " points");
                }

                var found = client.SearchRuns(experimentId, "params.model = 'resnet-18' and metrics.loss < 1", "metrics.loss ASC");
                Check("search finds the run", found.Any(r => r.Info.RunId == run.RunId), found.Count + " runs");

                var listed = client.ListArtifacts(run.RunId, "results");
                var local = File.ReadAllBytes(result);
                Check("artifact listed with its size", listed.Any(f => f.Path == uploaded[0].Path && f.FileSize == local.Length));

                var downloaded = client.DownloadFile(run, uploaded[0].Path);
                Check("downloaded file equals the uploaded one", downloaded.SequenceEqual(local),
                    downloaded.Length + " bytes");
                File.Delete(result);
            }
            Console.WriteLine(failures == 0 ? "all checks passed" : failures + " check(s) failed");
            return failures == 0 ? 0 : 1;
        }
    }
}
