{{/* Names and labels shared by every object of the chart. */}}
{{- define "sk8.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sk8.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sk8.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "sk8.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: server, history-server or upstream. */}}
{{- define "sk8.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sk8.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "sk8.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sk8.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sk8.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The upstream Spark Connect URL sk8 forwards to, if any. */}}
{{- define "sk8.upstreamUrl" -}}
{{- if .Values.upstream.enabled }}
{{- printf "sc://%s-upstream:15002" (include "sk8.fullname" .) }}
{{- else }}
{{- .Values.upstream.url }}
{{- end }}
{{- end }}

{{/* Pod-level security context: fixed ids except on OpenShift (restricted-v2). */}}
{{- define "sk8.podSecurityContext" -}}
runAsNonRoot: true
{{- if not .root.Values.openshift }}
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container security context accepted by OpenShift's restricted-v2 and by the
     Kubernetes "restricted" Pod Security Standard. */}}
{{- define "sk8.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Object-store settings as environment variables (credentials from a Secret). */}}
{{- define "sk8.objectStoreEnv" -}}
{{- $secret := .Values.objectStore.credentials.existingSecret }}
{{- if .Values.objectStore.credentials.create }}
{{- $secret = printf "%s-object-store" (include "sk8.fullname" .) }}
{{- end }}
{{- if $secret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: AWS_ACCESS_KEY_ID
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: AWS_SECRET_ACCESS_KEY
{{- end }}
{{- with .Values.objectStore.s3.region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/* The sk8 container's environment. */}}
{{- define "sk8.serverEnv" -}}
{{- if gt (int .Values.server.threads) 0 }}
- name: SK8_THREADS
  value: {{ .Values.server.threads | quote }}
{{- end }}
{{- with include "sk8.objectStoreEnv" . | trim }}
{{ . }}
{{- end }}
{{- with .Values.upstream.tokenSecret }}
- name: SK8_UPSTREAM_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: token
{{- end }}
{{- with .Values.server.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
