#!/usr/bin/env pwsh
<#
.SYNOPSIS
  Gives the anomaly detector something to see: injects the faults of a scenario (db and
  auth failing, a gray slow db, or product's edges broken), drives bounded traffic (login,
  products, cart) at the local stack, then resets every service, also on Ctrl-C or an
  error. Traffic goes to 127.0.0.1/localhost only; every loop is bounded.

.DESCRIPTION
  Injects the faults of -Scenario for -FaultSeconds, sends traffic for -Seconds, then runs
  `archaics reset --all`. Needs the stack (npm start). Scenarios:
    classic    db timeout on 40% of requests, auth error on 30% (the default)
    gray       db latency 400 ms +/-50% (slow but inside product's deadline), product
               error 503 on /cart/add for 30%
    partition  product's calls to db refused on 50% of requests (partition), its calls
               to auth unanswered on 20% (blackhole, they end at its deadline)
  Reads ARCHAICS_HOME (default <repo>/.archaics), ARCHAICS_PORT_OFFSET, CHAOS_TOKEN,
  AUTH_SERVICE_URL, PRODUCT_SERVICE_URL, DB_SERVICE_URL.

.EXAMPLE
  ./scripts/generate_errors.ps1
  ./scripts/generate_errors.ps1 -Seconds 30 -FaultSeconds 45
  ./scripts/generate_errors.ps1 -Scenario partition
#>
[CmdletBinding()]
param(
  [ValidateSet('classic', 'gray', 'partition')][string]$Scenario = 'classic',
  [ValidateRange(1, 600)][int]$Seconds = 60,
  [ValidateRange(1, 3600)][int]$FaultSeconds = 90
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Root = Split-Path -Parent $PSScriptRoot
$MaxIterations = 5000  # a hard stop whatever the clock says

if (-not (Get-Command node -ErrorAction SilentlyContinue)) { Write-Error 'generate_errors.ps1: node is needed'; exit 1 }

# The same state folder and ports as `npm start` in the repository, wherever this runs from.
if (-not $env:ARCHAICS_HOME) { $env:ARCHAICS_HOME = Join-Path $Root '.archaics' }
$Offset = 0
if ($env:ARCHAICS_PORT_OFFSET) {
  if (-not [int]::TryParse($env:ARCHAICS_PORT_OFFSET, [ref]$Offset) -or $Offset -lt 0 -or $Offset -gt 57000) {
    Write-Host "generate_errors.ps1: ARCHAICS_PORT_OFFSET must be a whole number 0..57000, got '$($env:ARCHAICS_PORT_OFFSET)'"
    exit 2
  }
}

function Get-LocalUrl([string]$Variable, [int]$Port) {
  $url = [Environment]::GetEnvironmentVariable($Variable)
  if (-not $url) { $url = "http://127.0.0.1:$($Port + $Offset)" }
  $url = $url.TrimEnd('/')
  if ($url -notmatch '^http://(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$') {
    Write-Host "generate_errors.ps1: $Variable=$url is not on this machine; this script only sends traffic to 127.0.0.1/localhost"
    exit 2
  }
  return $url
}
$Auth = Get-LocalUrl 'AUTH_SERVICE_URL' 8001
$Db = Get-LocalUrl 'DB_SERVICE_URL' 8002
$Product = Get-LocalUrl 'PRODUCT_SERVICE_URL' 8003
$env:AUTH_SERVICE_URL = $Auth
$env:DB_SERVICE_URL = $Db
$env:PRODUCT_SERVICE_URL = $Product

function Invoke-Archaics {
  & node (Join-Path $Root 'apps/cli/bin/archaics.mjs') @args
  if ($LASTEXITCODE -ne 0) { throw "archaics $($args -join ' ') failed (exit $LASTEXITCODE)" }
}

# The HTTP status of one request; 0 when nothing answered. Works on Windows PowerShell 5.1 and PowerShell 7.
function Send-Request([string]$Method, [string]$Url, [string]$Body, [string]$Token) {
  $headers = @{}
  if ($Token) { $headers['Authorization'] = "Bearer $Token" }
  $request = @{ Method = $Method; Uri = $Url; Headers = $headers; TimeoutSec = 5; UseBasicParsing = $true }
  if ($Body) { $request['Body'] = $Body; $request['ContentType'] = 'application/json' }
  try {
    return [int](Invoke-WebRequest @request).StatusCode
  } catch {
    $response = $_.Exception.Response
    if ($null -ne $response) { return [int]$response.StatusCode }
    return 0
  }
}

foreach ($service in @(@('auth-service', $Auth), @('db-service', $Db), @('product-service', $Product))) {
  if ((Send-Request 'GET' "$($service[1])/health" $null $null) -ne 200) {
    Write-Host "generate_errors.ps1: $($service[0]) is not answering at $($service[1])/health; start the stack first: npm start"
    exit 1
  }
}

# A user of its own, signed in before auth starts failing.
$Email = "generate-errors-$([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())-$PID@example.com"
$Credentials = (@{ email = $Email; password = 'generate-errors-1' } | ConvertTo-Json -Compress)
[void](Send-Request 'POST' "$Auth/signup" $Credentials $null)
try {
  $Token = (Invoke-RestMethod -Method Post -Uri "$Auth/login" -Body $Credentials -ContentType 'application/json' -TimeoutSec 5).access_token
} catch {
  Write-Host "generate_errors.ps1: could not sign in at $Auth/login ($($_.Exception.Message))"
  exit 1
}

Write-Host 'Watch it in another terminal:'
Write-Host '  npx archaics logs --follow       every service''s log lines as they come'
Write-Host '  npx archaics status              faults with time left, rps, error ratio, p95'
Write-Host ''

$codes = @{}
$injected = $false
$exitCode = 0
try {
  $injected = $true
  switch ($Scenario) {
    'classic' {
      Invoke-Archaics inject db timeout --probability 0.4 --duration $FaultSeconds
      Invoke-Archaics inject auth error --probability 0.3 --duration $FaultSeconds
    }
    'gray' {
      Invoke-Archaics inject db latency --ms 400 --jitter 0.5 --duration $FaultSeconds
      Invoke-Archaics inject product error --status 503 --route /cart/add --probability 0.3 --duration $FaultSeconds
    }
    'partition' {
      Invoke-Archaics inject product partition --target db --probability 0.5 --duration $FaultSeconds
      Invoke-Archaics inject product blackhole --target auth --probability 0.2 --duration $FaultSeconds
    }
  }
  Write-Host ''
  Write-Host "sending traffic for ${Seconds}s to $Auth and $Product (scenario $Scenario; Ctrl-C stops it and resets the faults)"

  $clock = [Diagnostics.Stopwatch]::StartNew()
  $nextReport = 5
  for ($n = 1; $n -le $MaxIterations -and $clock.Elapsed.TotalSeconds -lt $Seconds; $n++) {
    $batch = @()
    if ($n % 10 -eq 1) { $batch += Send-Request 'POST' "$Auth/login" $Credentials $null }
    $batch += Send-Request 'GET' "$Product/products" $null $Token
    $cart = (@{ product_id = "p$(Get-Random -Minimum 1 -Maximum 6)"; quantity = 1 } | ConvertTo-Json -Compress)
    $batch += Send-Request 'POST' "$Product/cart/add" $cart $Token
    $batch += Send-Request 'GET' "$Product/cart" $null $Token
    foreach ($code in $batch) { $codes["$code"] = 1 + [int]$codes["$code"] }
    if ($clock.Elapsed.TotalSeconds -ge $nextReport) {
      Write-Host ("  {0}s  status codes: {1}" -f [int]$clock.Elapsed.TotalSeconds, (($codes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)x$($_.Value)" }) -join ', '))
      $nextReport += 5
    }
    Start-Sleep -Milliseconds 100
  }
  $total = ($codes.Values | Measure-Object -Sum).Sum
  Write-Host ''
  Write-Host ("done: {0} requests; status codes: {1}" -f $total, (($codes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)x$($_.Value)" }) -join ', '))
  Write-Host 'see what happened: npx archaics logs --level WARN --since 5m    npx archaics status'
} catch {
  Write-Host "generate_errors.ps1: $($_.Exception.Message)"
  $exitCode = 1
} finally {
  # Runs on Ctrl-C too.
  if ($injected) {
    Write-Host ''
    & node (Join-Path $Root 'apps/cli/bin/archaics.mjs') reset --all --reason 'generate_errors.ps1 finished'
    if ($LASTEXITCODE -ne 0) { Write-Host "generate_errors.ps1: some resets failed; the faults clear themselves ${FaultSeconds}s after injection" }
  }
}
exit $exitCode
