import API
import ArgumentParser

/// `iaasctl`: the command line of iaas, with commands named as the AWS CLI's.
@main
struct Iaasctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iaasctl",
        abstract: "Drive the iaas cloud: instances, volumes, queues, regions, tags. Talks JSON-RPC to iaasd.",
        version: "0.1.0",
        subcommands: [
            Status.self,
            DescribeRegions.self, DescribeAvailabilityZones.self,
            CreateVolume.self, DescribeVolumes.self, DeleteVolume.self, ModifyVolume.self,
            DescribeVolumesModifications.self,
            DescribeVolumeStatus.self,
            CreateSnapshot.self, DescribeSnapshots.self, DeleteSnapshot.self, CopySnapshot.self, ImportSnapshot.self,
            DescribeImportSnapshotTasks.self,
            CreateTags.self, DeleteTags.self, DescribeTags.self,
            CreateQueue.self, ListQueues.self, GetQueueAttributes.self, PurgeQueue.self, DeleteQueue.self,
            SendMessage.self, ReceiveMessage.self, DeleteMessage.self, PeekMessages.self,
            RunInstances.self, DescribeInstances.self, DescribeInstanceStatus.self, StartInstances.self,
            StopInstances.self,
            RebootInstances.self, TerminateInstances.self, GetConsoleOutput.self, DescribeInstanceVMStats.self,
            DescribeImages.self,
            CreateImage.self, RegisterImage.self, DeregisterImage.self,
            DescribeInstanceTypes.self, AttachVolume.self, DetachVolume.self, AllocateAddress.self,
            AssociateAddress.self, DisassociateAddress.self, ReleaseAddress.self, DescribeAddresses.self,
            ModifyInstanceAttribute.self, CreateSecurityGroup.self, DeleteSecurityGroup.self,
            DescribeSecurityGroups.self, AuthorizeSecurityGroupIngress.self, AuthorizeSecurityGroupEgress.self,
            RevokeSecurityGroupIngress.self, RevokeSecurityGroupEgress.self, S3.self, S3API.self, Scrub.self,
        ]
    )

    /// Declared here too so that `iaasctl --socket PATH -o json describe-volumes` works, as with the AWS CLI's
    /// global options; subcommands read the same values through their own group of the same name.
    @OptionGroup var global: GlobalOptions
}
