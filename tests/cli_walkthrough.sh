#!/usr/bin/env bash
# The seed's walkthrough as a learner types it: the real aws CLI (and skopeo) against `ecslab serve`.
#
#   ecslab serve --port 4566 &            # in another shell
#   WORK=$(mktemp -d) bash tests/cli_walkthrough.sh
#
# tests/test_cli_walkthrough.py runs it once and checks every answer: each step prints a line
# "=== <name>" followed by what the commands printed. PORT (default 4566), PYTHON (default
# python3), WORK (a scratch folder) and SKOPEO (the skopeo binary; empty: stop before the push)
# come from the environment. WORK may hold an OCI layout web-oci/ (tag v1) for skopeo to push.
set -euo pipefail
PORT=${PORT:-4566}
PYTHON=${PYTHON:-python3}
SKOPEO=${SKOPEO-$(command -v skopeo || true)}
ecslab() { "$PYTHON" -m ecslab.adapters.cli "$@"; }
step() { printf '\n=== %s\n' "$1"; }
fails() { # a command that must fail: its exit status, then what it printed on stderr
  local rc=0
  "$@" >/dev/null 2>"$WORK/stderr" || rc=$?
  echo "exit $rc"
  cat "$WORK/stderr"
  [ "$rc" -ne 0 ]
}
eval "$(ecslab env --port "$PORT")"
cd "$WORK"
EXAMPLES=$("$PYTHON" -c 'from ecslab import examples; print(examples.taskdef_path("sleep360").parent)')
cp "$EXAMPLES/sleep360.json" "$EXAMPLES/sample-app.json" .

# -- clusters ---------------------------------------------------------------------------------------
step create-cluster-default; aws ecs create-cluster
step create-cluster; aws ecs create-cluster --cluster-name MyCluster
step list-clusters; aws ecs list-clusters

# -- a container instance: the ECS-optimized AMI, user data naming the cluster, the instance role --
step get-parameters
aws ssm get-parameters --names /aws/service/ecs/optimized-ami/amazon-linux-2/recommended
AMI=$(aws ssm get-parameters --names /aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id \
  --query 'Parameters[0].Value' --output text)
cat > userdata.sh <<'USERDATA'
#!/bin/bash
echo ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config
USERDATA
step run-instances
aws ec2 run-instances --image-id "$AMI" --count 3 --instance-type m5.large \
  --iam-instance-profile Name=ecsInstanceRole --user-data file://userdata.sh
step advance; ecslab advance 2m
step list-container-instances; aws ecs list-container-instances --cluster MyCluster
CI=$(aws ecs list-container-instances --cluster MyCluster --query 'containerInstanceArns[0]' --output text)
step describe-container-instances
aws ecs describe-container-instances --cluster MyCluster --container-instances "$CI"
step describe-instances
aws ec2 describe-instances --filters Name=instance-state-name,Values=running \
  --query 'Reservations[].Instances[].[InstanceId,State.Name,IamInstanceProfile.Arn]'

# -- task definitions -------------------------------------------------------------------------------
step register-task-definition; aws ecs register-task-definition --cli-input-json file://sleep360.json
step list-task-definitions; aws ecs list-task-definitions
step deregister-family; fails aws ecs deregister-task-definition --task-definition sleep360
step deregister-revision; aws ecs deregister-task-definition --task-definition sleep360:1
step register-again; aws ecs register-task-definition --cli-input-json file://sleep360.json

# -- a task -----------------------------------------------------------------------------------------
step run-task; aws ecs run-task --cluster MyCluster --task-definition sleep360 --count 1
step list-tasks; aws ecs list-tasks --cluster MyCluster
TASK=$(aws ecs list-tasks --cluster MyCluster --query 'taskArns[0]' --output text)
step advance-10s; ecslab advance 10s
step describe-tasks; aws ecs describe-tasks --cluster MyCluster --tasks "$TASK"

# -- a load balancer for the service ----------------------------------------------------------------
SUBNETS=$(aws ec2 describe-subnets --query 'Subnets[].SubnetId' --output text)
VPC=$(aws ec2 describe-vpcs --query 'Vpcs[0].VpcId' --output text)
step create-load-balancer
LB=$(aws elbv2 create-load-balancer --name web-alb --subnets $SUBNETS \
  --query 'LoadBalancers[0].LoadBalancerArn' --output text)
echo "$LB"
step create-target-group
TG=$(aws elbv2 create-target-group --name web-tg --protocol HTTP --port 80 --vpc-id "$VPC" \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
echo "$TG"
# Old tasks drain for 300 s by default; 30 s keeps the rolling deployments below short.
aws elbv2 modify-target-group-attributes --target-group-arn "$TG" \
  --attributes Key=deregistration_delay.timeout_seconds,Value=30 >/dev/null
step create-listener
aws elbv2 create-listener --load-balancer-arn "$LB" --protocol HTTP --port 80 \
  --default-actions Type=forward,TargetGroupArn="$TG" --query 'Listeners[0].[Protocol,Port]' --output text
aws elbv2 wait load-balancer-available --load-balancer-arns "$LB"

# -- a service behind it ----------------------------------------------------------------------------
aws ecs register-task-definition --cli-input-json file://sample-app.json >/dev/null
step create-service
aws ecs create-service --cluster MyCluster --service-name web --task-definition sample-app \
  --desired-count 1 --load-balancers targetGroupArn="$TG",containerName=simple-app,containerPort=80
step list-services; aws ecs list-services --cluster MyCluster
step wait-created; ecslab now; aws ecs wait services-stable --cluster MyCluster --services web; ecslab now
step scale-to-2
aws ecs update-service --cluster MyCluster --service web --desired-count 2 \
  --query 'service.[desiredCount,taskDefinition,length(deployments)]' --output text
aws ecs wait services-stable --cluster MyCluster --services web
step force-new-deployment
aws ecs update-service --cluster MyCluster --service web --force-new-deployment \
  --query 'service.deployments[].[status,taskDefinition]' --output text
aws ecs wait services-stable --cluster MyCluster --services web
step new-revision
aws ecs register-task-definition --cli-input-json file://sample-app.json \
  --query taskDefinition.taskDefinitionArn --output text
aws ecs update-service --cluster MyCluster --service web --task-definition sample-app:2 \
  --query 'service.deployments[].[status,taskDefinition]' --output text
step wait-new-revision; aws ecs wait services-stable --cluster MyCluster --services web
aws ecs describe-services --cluster MyCluster --services web \
  --query 'services[0].[runningCount,taskDefinition,length(deployments)]' --output text
step delete-service-refused; fails aws ecs delete-service --cluster MyCluster --service web
step scale-to-0
aws ecs update-service --cluster MyCluster --service web --desired-count 0 --query service.desiredCount
aws ecs wait services-stable --cluster MyCluster --services web
step delete-service; aws ecs delete-service --cluster MyCluster --service web --query service.status
aws ecs wait services-inactive --cluster MyCluster --services web
step list-services-after; aws ecs list-services --cluster MyCluster
step sleep360-exited
aws ecs describe-tasks --cluster MyCluster --tasks "$TASK" \
  --query 'tasks[0].[lastStatus,stopCode,containers[0].exitCode]' --output text
ecslab now

# -- ECR --------------------------------------------------------------------------------------------
step create-repository; aws ecr create-repository --repository-name web
step describe-repositories; aws ecr describe-repositories
REGISTRY=127.0.0.1:$PORT  # on AWS: 123456789012.dkr.ecr.<region>.amazonaws.com (HTTPS)
if [ -z "$SKOPEO" ]; then
  step skopeo-missing
  exit 0
fi
step login
aws ecr get-login-password \
  | "$SKOPEO" login --authfile auth.json --username AWS --password-stdin --tls-verify=false "$REGISTRY"
step push
"$SKOPEO" copy --quiet --authfile auth.json --dest-tls-verify=false oci:web-oci:v1 "docker://$REGISTRY/web:latest"
step list-images; aws ecr list-images --repository-name web
step retag
MANIFEST=$(aws ecr batch-get-image --repository-name web --image-ids imageTag=latest \
  --query 'images[].imageManifest' --output text)
aws ecr put-image --repository-name web --image-tag v1 --image-manifest "$MANIFEST" --query image.imageId
step batch-delete-image; aws ecr batch-delete-image --repository-name web --image-ids imageTag=latest
step list-images-after; aws ecr list-images --repository-name web
