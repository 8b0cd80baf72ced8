import { graphql } from '../../gql';

export const SettingsQuery = graphql(`
  query SettingsView {
    me {
      id
      name
      email
      role
      secondFactor
      secondFactorRequired
      organizations {
        id
        name
      }
    }
    myNotificationSettings {
      mailMode
      calendarUrl
    }
  }
`);

export const SetMailModeMutation = graphql(`
  mutation SettingsSetMailMode($mode: MailMode!) {
    setNotificationMailMode(mode: $mode) {
      mailMode
    }
  }
`);

export const RotateFeedMutation = graphql(`
  mutation SettingsRotateFeed {
    rotateCalendarToken {
      calendarUrl
    }
  }
`);
