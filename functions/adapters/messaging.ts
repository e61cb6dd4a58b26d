// The sending of a step's planned notices over whatever `Messaging` the function was composed with: no SDK here,
// so every step can use it. The clients are in ses-email.ts (email) and sns-messaging.ts (SMS and topics).
import type { Messaging, NoticeTemplate, PlannedNotice } from '../domain/notices';

/** Sends planned notices, one after the other (a failure leaves the rest for the step's retry). */
export const sendNotices = async (
  messaging: Pick<Messaging, 'sendEmail' | 'sendSms'>,
  orderId: string,
  notices: PlannedNotice[],
): Promise<void> => {
  for (const notice of notices) {
    const template = notice.entry.template as NoticeTemplate;
    if (notice.entry.channel === 'email') {
      await messaging.sendEmail({
        to: notice.entry.to,
        subject: notice.subject,
        text: notice.text,
        html: notice.html,
        template,
        orderId,
      });
    } else {
      await messaging.sendSms({ to: notice.entry.to, text: notice.text, template, orderId });
    }
  }
};
