// A confirmation that needs a reason (rejecting, revoking, disabling): the
// reason goes to the audit trail.
import { Modal, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/context";

interface Props {
  open: boolean;
  title: string;
  body: string;
  confirm: string;
  destructive?: boolean;
  loading?: boolean;
  label?: string;
  onConfirm(reason: string): void;
  onClose(): void;
}

export function ReasonModal({ open, title, body, confirm, destructive, loading, label, onConfirm, onClose }: Props) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = () => {
    if (!reason.trim()) return setError(t.referrer.reasonRequired);
    onConfirm(reason.trim());
  };
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      primaryAction={{ content: confirm, destructive, loading, onAction: submit }}
      secondaryActions={[{ content: t.common.cancel, onAction: onClose }]}
    >
      <Modal.Section>
        <p>{body}</p>
        <TextField label={label ?? t.common.reason} value={reason} onChange={(v) => (setReason(v), setError(undefined))} error={error} autoComplete="off" multiline={2} />
      </Modal.Section>
    </Modal>
  );
}
