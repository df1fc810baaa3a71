# Port-forwards the archaics services and the observability UIs of a Kubernetes
# deployment (kubectl apply -k infra/k8s/base and infra/k8s/observability) to
# localhost, on the canonical ports, as background jobs.
#   .\scripts\port-forward.ps1           # start them all
#   .\scripts\port-forward.ps1 -List     # print the kubectl commands only
#   .\scripts\port-forward.ps1 -Stop     # stop the jobs this script started
param(
  [switch]$List,
  [switch]$Stop
)
$ErrorActionPreference = 'Stop'

$Forwards = @(
  @{ Namespace = 'observability'; Target = 'svc/grafana'; Ports = '3000:3000' },
  @{ Namespace = 'observability'; Target = 'svc/jaeger-all-in-one-query'; Ports = '16686:16686' },
  @{ Namespace = 'observability'; Target = 'svc/prometheus'; Ports = '9090:9090' },
  @{ Namespace = 'archaics'; Target = 'svc/auth-service'; Ports = '8001:8001' },
  @{ Namespace = 'archaics'; Target = 'svc/db-service'; Ports = '8002:8002' },
  @{ Namespace = 'archaics'; Target = 'svc/product-service'; Ports = '8003:8003' },
  @{ Namespace = 'archaics'; Target = 'svc/payment-service'; Ports = '8004:8004' },
  @{ Namespace = 'archaics'; Target = 'svc/ai-operator'; Ports = '8005:8005' },
  @{ Namespace = 'archaics'; Target = 'svc/anomaly-detector'; Ports = '8006:8006' }
)

if ($List) {
  foreach ($f in $Forwards) { "kubectl port-forward $($f.Target) $($f.Ports) -n $($f.Namespace)" }
  return
}

if ($Stop) {
  Get-Job -Name 'archaics-pf-*' -ErrorAction SilentlyContinue | Stop-Job -PassThru | Remove-Job
  'stopped'
  return
}

if (-not (Get-Command kubectl -ErrorAction SilentlyContinue)) {
  throw 'kubectl not found in PATH'
}

foreach ($f in $Forwards) {
  $name = "archaics-pf-$($f.Target -replace '^svc/', '')"
  Get-Job -Name $name -ErrorAction SilentlyContinue | Stop-Job -PassThru | Remove-Job
  # Restart a forward when it drops (a pod restarted by a fault or the operator).
  Start-Job -Name $name -ArgumentList $f.Target, $f.Ports, $f.Namespace -ScriptBlock {
    param($Target, $Ports, $Namespace)
    while ($true) {
      kubectl port-forward $Target $Ports -n $Namespace | Out-Null
      Start-Sleep -Seconds 1
    }
  } | Out-Null
  "forwarding $($f.Target) ($($f.Namespace)) on localhost:$(($f.Ports -split ':')[0])"
}
'Stop them with .\scripts\port-forward.ps1 -Stop'
